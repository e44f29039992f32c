"""满意度: the IVR survey's answers per queue and agent, and the levels customers gave on
work-order feedback, per period, with counts per answer and the satisfied share."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from app.agents.models import AgentProfile
from app.calls.models import TRANSFERRED, CallRecord
from app.cti.queue_log import store_lines
from app.extensions import db
from app.tickets.register import register
from app.tickets.satisfaction import PERSON, SURVEY
from app.tickets.states import set_satisfaction

DAY = datetime(2026, 12, 1, 3, 0)   # 11:00 in Shanghai
LATE = datetime(2026, 12, 1, 15, 59)  # 23:59 in Shanghai, still 1 December


def surveyed(score: int, queue: str, agent: str, at: datetime = DAY) -> CallRecord:
    call = CallRecord(line="11185", started_at=at, ended_at=at, outcome=TRANSFERRED, queue=queue, agent=agent,
                      survey_score=score, survey_at=at + timedelta(minutes=5))
    db.session.add(call)
    db.session.commit()
    return call


@pytest.fixture
def answers(app, make_user):
    wang = make_user("agent", username="wang")
    wang.display_name = "王芳"
    db.session.add(AgentProfile(user_id=wang.id, interface="PJSIP/8001", member_name="Agent 8001"))
    for score in (5, 5, 4, 2):
        surveyed(score, "postline-11185", "Agent 8001")
    surveyed(1, "postline-complaint", "Agent 8002", at=LATE)
    surveyed(3, "postline-11185", "Agent 8001", at=DAY + timedelta(days=1))     # 2 December
    db.session.add(CallRecord(line="11185", started_at=DAY, queue="postline-11185"))  # no answer
    for level, source in (("satisfied", PERSON), ("very_dissatisfied", PERSON), ("satisfied", SURVEY)):
        order = register(wang, type_code="complaint", subject="包裹破损")
        order.created_at = DAY
        set_satisfaction(order, wang, level, source)
    db.session.commit()


def test_survey_answers_per_queue_and_agent(answers, build_report):
    sheets = build_report("satisfaction").sheets
    by_queue = sheets["满意度（按队列）"]
    assert by_queue[0][0] == "满意度（按队列）"
    header = next(row for row in by_queue if row[1] == "队列")
    assert header[2:] == ("非常满意", "满意", "一般", "不满意", "非常不满意", "评价数", "满意率")
    rows = {row[1]: row for row in by_queue if isinstance(row[0], datetime)}
    assert rows["postline-11185"][0].date() == date(2026, 12, 1)
    assert rows["postline-11185"][2:] == (2, 1, 0, 1, 0, 4, pytest.approx(3 / 4))
    assert rows["postline-complaint"][2:] == (0, 0, 0, 0, 1, 1, 0)   # the centre's day, not UTC's
    totals = {row[0]: row for row in by_queue}["合计"]
    assert totals[2:] == (2, 1, 0, 1, 1, 5, pytest.approx(3 / 5))     # recomputed from the counts
    by_agent = {row[1]: row for row in sheets["满意度（按话务员）"]}
    assert by_agent["王芳"][7:] == (4, pytest.approx(3 / 4))
    assert by_agent["Agent 8002"][7] == 1


def test_a_survey_counts_in_the_queue_the_call_was_answered_in(answers, build_report):
    t0 = 1796090400   # 2026-12-01 10:00 in Shanghai
    store_lines([f"{t0}|1796090400.7|postline-12329|NONE|ENTERQUEUE||13800138000|1",
                 f"{t0 + 5}|1796090400.7|postline-12329|Agent 8001|CONNECT|5|1796090400.8|2"], "test")
    call = surveyed(4, "", "Agent 8001")   # the IVR named no queue: the line's own
    call.uniqueid = "1796090400.7"
    db.session.commit()
    rows = {row[1]: row for row in build_report("satisfaction").sheets["满意度（按队列）"]}
    assert rows["postline-12329"][2:9] == (0, 1, 0, 0, 0, 1, 1)
    assert build_report("satisfaction", "--queue", "postline-12329").by_label("满意度（按队列）")["合计"][7] == 1


def test_work_order_levels_given_to_a_person(answers, build_report):
    rows = {row[1]: row for row in build_report("satisfaction").sheets["工单回访满意度"]}
    assert rows["投诉"][2:] == (0, 1, 0, 0, 1, 2, 0.5)    # the survey's level is not counted twice


def test_by_month_and_one_queue(answers, build_report):
    rows = build_report("satisfaction", "--period", "month", "--queue", "postline-11185",
                        end="2026-12-02").sheets["满意度（按队列）"]
    assert [row[:2] + row[7:8] for row in rows if row[0] == "2026-12"] == [("2026-12", "postline-11185", 5)]


def test_the_download_is_for_managers(answers, download_report):
    assert "满意度（按话务员）" in download_report("satisfaction").sheets
