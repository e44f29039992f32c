"""Agent sessions from queue_log's agent lines: logged-in and paused seconds split over the
centre's hours, pauses by reason, and after-call work set on the call it follows."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from app.cti.queue_log import store_lines
from app.extensions import db
from app.stats.metrics import agent_figures, queue_figures
from app.stats.models import AgentHour, AgentPauseHour, QueueCall

# 2026-12-01 09:00:00 in Asia/Shanghai is 01:00:00 UTC.
T9 = 1796086800
A = "Agent 8001"

LOGIN = [f"{T9}|NONE|q-post|{A}|ADDMEMBER|", f"{T9}|NONE|q-parcel|{A}|ADDMEMBER|"]
LUNCH = [  # one PAUSE line per queue at the same second: one pause, 10:30–11:00
    f"{T9 + 5400}|NONE|q-post|{A}|PAUSE|LUNCH", f"{T9 + 5400}|NONE|q-parcel|{A}|PAUSE|LUNCH",
    f"{T9 + 7200}|NONE|q-post|{A}|UNPAUSE|", f"{T9 + 7200}|NONE|q-parcel|{A}|UNPAUSE|",
]
LOGOFF = [f"{T9 + 10800}|NONE|q-post|{A}|REMOVEMEMBER|", f"{T9 + 10800}|NONE|q-parcel|{A}|REMOVEMEMBER|"]
CALL = [  # 09:10 answered after 5 s, talked 60 s, then 30 s of ACW
    f"{T9 + 600}|c1|q-post|NONE|ENTERQUEUE||13800138001|1",
    f"{T9 + 605}|c1|q-post|{A}|CONNECT|5|c1.2|3",
    f"{T9 + 665}|c1|q-post|{A}|COMPLETECALLER|5|60|1",
    f"{T9 + 665}|NONE|q-post|{A}|PAUSE|ACW", f"{T9 + 665}|NONE|q-parcel|{A}|PAUSE|ACW",
    f"{T9 + 695}|NONE|q-post|{A}|UNPAUSE|", f"{T9 + 695}|NONE|q-parcel|{A}|UNPAUSE|",
]
DAY = LOGIN + CALL + LUNCH + LOGOFF


def session_hours() -> dict[int, tuple[int, int]]:
    rows = db.session.scalars(select(AgentHour).where(AgentHour.agent == A, AgentHour.queue == ""))
    return {row.hour_of_day: (row.login_s, row.pause_s) for row in rows}


def test_a_day_is_split_over_its_hours_with_lunch_by_reason(app):
    store_lines(DAY, "test")
    assert session_hours() == {9: (3600, 30), 10: (3600, 1800), 11: (3600, 0)}
    lunch = db.session.scalars(select(AgentPauseHour).where(AgentPauseHour.reason == "LUNCH")).all()
    assert [(p.hour, p.pauses, p.pause_s) for p in lunch] == [(datetime(2026, 12, 1, 10), 1, 1800)]
    f = dict((agent, fig) for _, agent, fig in agent_figures(date(2026, 12, 1), date(2026, 12, 1)))[A]
    assert (f.login_s, f.pause_s, f.pauses) == (10800, 1830, {"ACW": 30, "LUNCH": 1800})
    assert f.occupancy == pytest.approx((60 + 30) / (10800 - 1800))


def test_acw_is_set_on_the_call_and_in_the_queue_average(app):
    store_lines(DAY, "test")
    assert db.session.scalars(select(QueueCall)).one().acw_s == 30
    [(_, _, f)] = queue_figures(date(2026, 12, 1), date(2026, 12, 1), "all")
    assert (f.acw_calls, f.average_acw) == (1, pytest.approx(30))


def test_a_session_open_over_two_batches_is_counted_once_when_closed(app):
    store_lines(LOGIN + CALL + LUNCH[:2], "test")
    assert session_hours() == {9: (0, 30)}          # open login and lunch: not counted yet
    store_lines(LUNCH[2:] + LOGOFF, "test", first_line=20)
    assert session_hours() == {9: (3600, 30), 10: (3600, 1800), 11: (3600, 0)}


def test_repeated_lines_add_nothing(app):
    store_lines(DAY, "test")
    store_lines(DAY, "test")
    assert session_hours() == {9: (3600, 30), 10: (3600, 1800), 11: (3600, 0)}
    assert db.session.scalars(select(QueueCall)).one().acw_s == 30


def test_leaving_one_queue_keeps_the_agent_logged_in(app):
    store_lines(LOGIN + [f"{T9 + 1800}|NONE|q-parcel|{A}|REMOVEMEMBER|"], "test")
    assert session_hours() == {}
    store_lines([f"{T9 + 3600}|NONE|q-post|{A}|REMOVEMEMBER|"], "test")
    assert session_hours() == {9: (3600, 0)}


def test_a_late_lunch_line_recomputes_the_agents_day(app):
    store_lines([line for line in DAY if line not in LUNCH[:2]], "test")
    store_lines(LUNCH[:2], "test", first_line=30)
    assert session_hours() == {9: (3600, 30), 10: (3600, 1800), 11: (3600, 0)}
    lunch = db.session.scalars(select(AgentPauseHour).where(AgentPauseHour.reason == "LUNCH")).all()
    assert [(p.pauses, p.pause_s) for p in lunch] == [(1, 1800)]
