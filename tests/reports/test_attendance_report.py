"""受理员出勤: per agent and day, first login and last logoff, logged-in and paused time,
pause by reason and the number of pauses, from the queue_log agent lines."""
from __future__ import annotations

from datetime import time

import pytest

from app.agents.models import AgentProfile, PauseReason
from app.cti.queue_log import store_lines
from app.extensions import db

T9 = 1796086800   # 2026-12-01 09:00 in Shanghai
A, B = "Agent 8001", "Agent 8002"
LINES = [
    f"{T9}|NONE|q-post|{A}|ADDMEMBER|", f"{T9}|NONE|q-parcel|{A}|ADDMEMBER|",
    f"{T9 + 3600}|NONE|q-post|{A}|PAUSE|LUNCH", f"{T9 + 3600}|NONE|q-parcel|{A}|PAUSE|LUNCH",  # one pause
    f"{T9 + 5400}|NONE|q-post|{A}|UNPAUSE|", f"{T9 + 5400}|NONE|q-parcel|{A}|UNPAUSE|",
    f"{T9 + 6000}|NONE|q-post|{A}|PAUSE|", f"{T9 + 6300}|NONE|q-post|{A}|UNPAUSE|",
    f"{T9 + 7200}|NONE|q-post|{A}|REMOVEMEMBER|", f"{T9 + 7200}|NONE|q-parcel|{A}|REMOVEMEMBER|",
    f"{T9 + 1800}|NONE|q-post|{B}|ADDMEMBER|", f"{T9 + 3600}|NONE|q-post|{B}|REMOVEMEMBER|",
    f"{T9 + 86400}|NONE|q-post|{B}|ADDMEMBER|", f"{T9 + 86400 + 600}|NONE|q-post|{B}|REMOVEMEMBER|",  # 2 Dec
]


def seconds(cell) -> float:
    """A duration cell ([h]:mm:ss) as openpyxl reads it back, in seconds."""
    return cell.total_seconds()


@pytest.fixture
def sessions(app, make_user):
    user = make_user("agent", username="wangfang")
    user.display_name = "王芳"
    db.session.add(AgentProfile(user_id=user.id, interface="PJSIP/8001", member_name=A))
    db.session.add(PauseReason(code="LUNCH", name="午餐"))
    db.session.commit()
    store_lines(LINES, "test")


def test_attendance_per_agent_and_day(sessions, build_report):
    built = build_report("agent-attendance")
    rows = built.rows
    assert rows[0][0] == "受理员出勤"
    header = next(row for row in rows if row[1] == "话务员")
    assert header[3:8] == ("首次登录", "最后退出", "登录时长", "暂停时长", "暂停次数")
    assert header[8:] == ("暂停：午餐", "暂停：（无原因）")
    wang = next(row for row in rows if row[1] == "王芳")
    assert wang[2] == A
    assert (wang[3], wang[4]) == (time(9, 0), time(11, 0))
    assert seconds(wang[5]) == 7200           # logged in 09:00 to 11:00
    assert seconds(wang[6]) == 1800 + 300     # lunch and a pause without a reason
    assert wang[7] == 2                                      # the per-queue PAUSE lines are one pause
    assert (seconds(wang[8]), seconds(wang[9])) == (1800, 300)
    other = next(row for row in rows if row[1] == B)         # unknown to PostLine: his queue_log name
    assert (other[3], other[4], other[7]) == (time(9, 30), time(10, 0), 0)
    totals = built.by_label()["合计"]
    assert seconds(totals[5]) == 7200 + 1800 and totals[7] == 2
    reasons = {row[2]: row for row in built.sheets["按原因暂停"] if row[1] == "王芳"}
    assert (reasons["午餐"][3], seconds(reasons["午餐"][4])) == (1, 1800)
    assert (reasons["（无原因）"][3], seconds(reasons["（无原因）"][4])) == (1, 300)
    assert built.by_label("按原因暂停")["合计"][3] == 2


def test_the_range_keeps_to_its_days(sessions, build_report):
    rows = build_report("agent-attendance", start="2026-12-02", end="2026-12-02").rows
    days = [row for row in rows if row[2] in (A, B)]
    assert [(row[2], row[3]) for row in days] == [(B, time(9, 0))]


def test_the_download_is_for_managers(sessions, download_report):
    built = download_report("agent-attendance")
    assert any(row[1] == "王芳" for row in built.rows)
