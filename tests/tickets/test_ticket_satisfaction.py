"""The customer's satisfaction and the post-call IVR survey: an order linked to a scored call
shows the score; feedback recorded without a level takes the survey's (and the form says so
beforehand); what the customer told a person always wins; a survey scored after the
feedback fills an order still without a level, and is noted in the history either way."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.calls.models import CallRecord
from app.extensions import db
from app.ivr.simulator import simulate
from app.testing import submit
from app.tickets import callbacks
from app.tickets.models import TicketEntry, WorkOrder
from app.tickets.satisfaction import SURVEY_LEVELS, survey_of
from app.tickets.states import Refused, apply
from app.timeutil import utcnow


def _html(response) -> str:
    return response.get_data(as_text=True)


def _scored_call(score: int | None, minutes_ago: int = 30) -> CallRecord:
    call = CallRecord(caller="13800138000", line="11185", survey_score=score,
                      survey_at=utcnow() - timedelta(minutes=minutes_ago) if score else None)
    db.session.add(call)
    db.session.commit()
    return call


def _order(make_order, **fields) -> WorkOrder:
    return make_order(state="resulted", result="已补发", **fields)


def _survey_by_phone(app, call: CallRecord, key: str) -> None:
    """The caller presses ``key`` in the survey the dialplan runs after the agent."""
    simulate(app, "", [key], script=f"survey?call={call.id}", dry_run=False)
    db.session.expire_all()


def test_the_survey_keys_map_onto_the_five_levels():
    assert [SURVEY_LEVELS[key] for key in (5, 4, 3, 2, 1)] == [
        "very_satisfied", "satisfied", "neutral", "dissatisfied", "very_dissatisfied"]


def test_feedback_without_a_level_takes_the_survey_of_the_orders_call(app, make_user, make_order, client_for):
    call = _scored_call(4)
    order = _order(make_order, call_id=call.id)
    agent = client_for(make_user("agent"))
    page = f"/tickets/{order.number}"
    html = _html(agent.get(page))
    assert 'data-survey-score="4"' in html and "4 分（满分 5 分）" in html
    assert "—（采用语音调查结果：满意）" in html  # the form says what leaving it means

    submit(agent, f"{page}/act/feedback", {"feedback": "客户已收到"}, page=page)
    db.session.expire_all()
    order = db.session.get(WorkOrder, order.id)
    assert (order.state, order.satisfaction, order.satisfaction_source) == ("feedback", "satisfied", "survey")
    entry = db.session.scalar(select(TicketEntry).where(TicketEntry.field == "satisfaction"))
    assert f"通话 #{call.id} 的语音满意度调查：4 分" in entry.text
    assert "来自语音满意度调查" in _html(agent.get(page))


def test_what_the_customer_told_a_person_wins(app, make_user, make_order):
    order = _order(make_order, call_id=_scored_call(5).id)
    apply(order, "feedback", make_user("agent"), {"feedback": "不满意赔偿金额", "satisfaction": "dissatisfied"})
    db.session.commit()
    assert (order.satisfaction, order.satisfaction_source) == ("dissatisfied", "person")


def test_without_a_survey_the_feedback_has_no_level(app, make_user, make_order, client_for):
    order = _order(make_order, call_id=_scored_call(None).id)  # the caller hung up before the survey
    assert survey_of(order) is None
    agent = client_for(make_user("agent"))
    assert "采用语音调查结果" not in _html(agent.get(f"/tickets/{order.number}"))
    apply(order, "feedback", make_user("agent"), {"feedback": "已告知"})
    db.session.commit()
    assert order.satisfaction == "" and order.satisfaction_source == ""


def test_the_latest_survey_among_the_orders_calls_counts(app, make_user, make_order):
    first = _scored_call(2, minutes_ago=120)
    order = _order(make_order, call_id=first.id)
    callback_call = _scored_call(5, minutes_ago=5)  # the call-back call, scored since
    agent = make_user("agent")
    task = callbacks.create_task(order, agent, phone="13800138000")
    db.session.commit()
    callbacks.record_try(task, agent, outcome="not_reached", call_id=callback_call.id)
    db.session.commit()
    survey = survey_of(order)
    assert (survey.call_id, survey.level) == (callback_call.id, "very_satisfied")


def test_a_survey_after_the_feedback_fills_a_missing_level(app, make_user, make_order):
    agent = make_user("agent")
    order = _order(make_order)
    callback_call = _scored_call(None)
    task = callbacks.create_task(order, agent, phone="13800138000")
    db.session.commit()
    callbacks.record_try(task, agent, outcome="reached", feedback="客户说收到了", call_id=callback_call.id)
    db.session.commit()
    assert (order.state, order.satisfaction) == ("feedback", "")

    _survey_by_phone(app, callback_call, "1")  # the call-back call's survey, after the agent hung up
    order = db.session.get(WorkOrder, order.id)
    assert (order.satisfaction, order.satisfaction_source) == ("very_dissatisfied", "survey")
    entry = db.session.scalar(select(TicketEntry).where(TicketEntry.field == "satisfaction"))
    assert entry.actor == "ivr" and f"通话 #{callback_call.id}" in entry.text


def test_a_later_survey_never_overrides_a_person_and_is_noted(app, make_user, make_order):
    call = _scored_call(None)
    order = _order(make_order, call_id=call.id)
    apply(order, "feedback", make_user("agent"), {"feedback": "很满意", "satisfaction": "very_satisfied"})
    db.session.commit()
    _survey_by_phone(app, call, "2")
    order = db.session.get(WorkOrder, order.id)
    assert (order.satisfaction, order.satisfaction_source) == ("very_satisfied", "person")
    note = db.session.scalar(select(TicketEntry).where(TicketEntry.action == "survey"))
    assert note.actor == "ivr" and "2 分" in note.text


def test_a_survey_before_the_result_is_only_noted_until_the_feedback(app, make_user, make_order):
    call = _scored_call(None)
    order = make_order(state="new", call_id=call.id)  # registered during the call
    _survey_by_phone(app, call, "3")
    order = db.session.get(WorkOrder, order.id)
    assert order.satisfaction == ""
    assert db.session.scalar(select(TicketEntry).where(TicketEntry.action == "survey")) is not None
    order.state = "resulted"
    db.session.commit()
    apply(order, "feedback", make_user("agent"), {"feedback": "已收到"})
    db.session.commit()
    assert (order.satisfaction, order.satisfaction_source) == ("neutral", "survey")


def test_a_complaint_closes_with_the_surveys_level(app, make_user, make_order):
    agent = make_user("agent")
    complaint = make_order(state="resulted", type_code="complaint", result="已赔偿", call_id=_scored_call(4).id)
    apply(complaint, "feedback", agent, {"feedback": "接受赔偿"})
    apply(complaint, "close", agent, {})
    db.session.commit()
    assert (complaint.state, complaint.satisfaction) == ("closed", "satisfied")

    without = make_order(state="resulted", type_code="complaint", result="已赔偿")
    apply(without, "feedback", agent, {"feedback": "接受赔偿"})
    db.session.commit()
    with pytest.raises(Refused, match="满意度"):
        apply(without, "close", agent, {})
