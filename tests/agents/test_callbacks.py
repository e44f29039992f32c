"""Call-back tasks for callers who waited for us: made from Asterisk's events (a long
abandon, a queue that let the caller go), from "call me back" in the IVR, one open task per
number whatever the reasons; given by the worker to the ready agent of the right skill;
tried under the retry policy until reached or unreachable; closed when the caller rings again."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from flask import current_app
from sqlalchemy import select

from app.agents import callback_dispatch, states
from app.agents.models import PAUSED, READY
from app.calls.models import CallRecord
from app.cti import live
from app.customers.models import Customer
from app.extensions import db
from app.tickets import callbacks
from app.tickets.callback_models import (
    BUSY,
    DONE,
    NO_ANSWER,
    OPEN,
    REACHED,
    UNREACHABLE,
    WRONG_NUMBER,
)
from app.timeutil import utcnow
from tests.agents.callback_helpers import abandon, join, queue_exit, tasks

CALLER = "13900139000"


# --- where tasks come from ------------------------------------------------------------------

def test_a_caller_who_hung_up_after_waiting_is_called_back_a_short_abandon_is_not(app):
    current_app.config["CALLBACK_SHORT_ABANDON_SECONDS"] = 5
    abandon("13800000004", held=4)
    assert tasks() == []
    db.session.add(CallRecord(uniqueid="1796154447.18", line="11185", caller=CALLER, queue="postline-11185"))
    db.session.add(Customer(name="李先生", phone=CALLER))
    db.session.commit()
    abandon(CALLER, held=5, queue="postline-ems")
    (task,) = tasks()
    record = db.session.query(CallRecord).one()
    assert (task.phone, task.source, task.queue, task.call_id, task.state) == (CALLER, "abandoned", "postline-ems",
                                                                               record.id, OPEN)
    assert task.caller_name == "李先生" and task.customer_id is not None and task.order_id is None
    assert (task.max_attempts, task.retry_minutes) == (3, 30)  # the site's policy, kept with the task


@pytest.mark.parametrize("status, called_back", [("TIMEOUT", True), ("FULL", True), ("JOINEMPTY", True),
                                                 ("LEAVEUNAVAIL", True), ("CONTINUE", False)])
def test_a_caller_the_queue_let_go_unanswered_is_called_back(app, status, called_back):
    queue_exit(CALLER, status)
    assert [(t.source, t.queue) for t in tasks()] == ([("timeout", "postline-11185")] if called_back else [])


def test_the_call_record_is_found_by_the_dialplans_call_id_too(app):
    record = CallRecord(uniqueid="other", line="12329", caller=CALLER, queue="postline-12329")
    db.session.add(record)
    db.session.commit()
    queue_exit(CALLER, "TIMEOUT", queue="", uniqueid="", call_id=str(record.id))
    (task,) = tasks()
    assert (task.call_id, task.queue) == (record.id, "postline-12329")


def test_withheld_and_internal_numbers_make_no_task(app):
    abandon("", held=60)
    abandon("anonymous", held=60)
    queue_exit("8001", "TIMEOUT")
    assert tasks() == []


def test_one_open_task_per_caller_with_every_reason_noted(app):
    abandon(CALLER, held=30)
    queue_exit("+86 139 0013 9000", "TIMEOUT")
    abandon(CALLER, held=40)
    (task,) = tasks()
    assert task.source == "abandoned" and task.source_list == ["abandoned", "timeout"]
    abandon("13700137000", held=40)
    assert len(tasks()) == 2


def test_a_caller_who_rings_again_closes_his_open_task(app, make_user):
    abandon(CALLER, held=30)
    join(CALLER)
    (task,) = tasks()
    assert task.state == DONE and "客户已再次来电" in task.note and task.closed_at is not None
    abandon(CALLER, held=30)  # and abandons again: a new task
    assert [t.state for t in tasks()] == [DONE, OPEN]


def test_a_call_me_back_request_in_the_ivr_becomes_a_task_when_the_call_ends(app):
    from app.pluginhost import notify

    record = CallRecord(uniqueid="1796154447.30", line="12329", caller="13800000001", queue="",
                        data=json.dumps({"callback.number": CALLER, "callback.queue": "postline-12329"}))
    plain = CallRecord(uniqueid="1796154447.31", line="12329", caller="13800000002", data="{}")
    db.session.add_all([record, plain])
    db.session.commit()
    notify("postline_call_ended", call=record)
    notify("postline_call_ended", call=plain)
    (task,) = tasks()
    assert (task.phone, task.source, task.queue, task.call_id) == (CALLER, "ivr", "postline-12329", record.id)


# --- spreading them over ready agents -----------------------------------------------------------

def test_the_worker_gives_a_due_task_to_the_ready_agent_of_its_queue_lowest_penalty_first(make_agent, pause_reasons):
    ems_only = make_agent("8001", queues={"postline-ems": 0})
    backup = make_agent("8002", queues={"postline-11185": 5})
    first = make_agent("8003", queues={"postline-11185": 1})
    paused = make_agent("8004", queues={"postline-11185": 0})
    for agent in (ems_only, backup, first, paused):
        states.request(agent.id, READY)
    states.request(paused.id, PAUSED, "meal")
    db.session.commit()
    start = live.latest_id()
    abandon(CALLER, held=30)
    assert callback_dispatch.spread() == 1
    (task,) = tasks()
    assert task.taken_by_id == first.id
    (event,) = [e for e in live.since([live.agent_topic(first.id)], start) if e.kind == "callback"]
    assert live.payload_of(event)["task_id"] == task.id and live.payload_of(event)["phone"] == CALLER


def test_tasks_are_spread_one_each_fewest_open_first(make_agent, make_user):
    one, two = make_agent("8011"), make_agent("8012")
    for agent in (one, two):
        states.request(agent.id, READY)
    db.session.commit()
    for number in ("13900139001", "13900139002", "13900139003"):
        abandon(number, held=30, uniqueid=number)
    assert callback_dispatch.spread() == 2  # CALLBACK_PER_AGENT = 1: the third waits in the pool
    given = [t.taken_by_id for t in tasks()]
    assert sorted(given[:2]) == sorted([one.id, two.id]) and given[2] is None


def test_no_ready_agent_of_the_skill_leaves_the_task_in_the_pool_and_a_task_for_me_stays_mine(make_agent):
    agent = make_agent("8021", queues={"postline-ems": 0})
    other = make_agent("8022", queues={"postline-11185": 0})
    states.request(agent.id, READY)
    db.session.commit()
    abandon(CALLER, held=30, queue="postline-11185")
    mine = callbacks.request_callback("13700137000", "ivr", queue="postline-ems")
    mine.assignee_id = other.id
    db.session.commit()
    assert callback_dispatch.spread() == 0
    assert [(t.taken_by_id, t.assignee_id) for t in tasks()] == [(None, None), (None, other.id)]


def test_a_task_given_to_an_agent_who_logged_off_goes_back_to_the_pool(make_agent):
    agent, colleague = make_agent("8031"), make_agent("8032")
    states.request(agent.id, READY)
    db.session.commit()
    abandon(CALLER, held=30)
    callback_dispatch.spread()
    states.request(agent.id, "logged_off")
    states.request(colleague.id, READY)
    db.session.commit()
    callback_dispatch.spread()
    assert tasks()[0].taken_by_id == colleague.id


def test_a_task_not_yet_due_is_not_given(make_agent):
    agent = make_agent("8041")
    states.request(agent.id, READY)
    abandon(CALLER, held=30)
    tasks()[0].due_at = utcnow() + timedelta(minutes=10)
    db.session.commit()
    assert callback_dispatch.spread() == 0


# --- tries, outcomes, retries -------------------------------------------------------------------

def test_failed_tries_wait_the_retry_interval_until_the_task_is_unreachable(make_agent):
    agent = make_agent("8051")
    abandon(CALLER, held=30)
    (task,) = tasks()
    before = utcnow()
    callbacks.record_try(task, agent, outcome=NO_ANSWER)
    db.session.commit()
    assert (task.state, task.attempts, task.taken_by_id) == (OPEN, 1, None)
    assert timedelta(minutes=29) < task.due_at - before < timedelta(minutes=31)
    callbacks.record_try(task, agent, outcome=BUSY)
    callbacks.record_try(task, agent, outcome="left_message")
    db.session.commit()
    assert (task.state, task.attempts) == (UNREACHABLE, 3)
    assert [a.outcome for a in task.tries] == [NO_ANSWER, BUSY, "left_message"]


def test_reached_is_done_and_a_wrong_number_ends_the_task_at_once(make_agent):
    agent = make_agent("8061")
    abandon(CALLER, held=30)
    abandon("13700137000", held=30, uniqueid="x")
    reached, wrong = tasks()
    callbacks.record_try(reached, agent, outcome=REACHED, note="已解答")
    callbacks.record_try(wrong, agent, outcome=WRONG_NUMBER)
    db.session.commit()
    assert (reached.state, wrong.state) == (DONE, UNREACHABLE)
    assert reached.tries[0].note == "已解答"


# --- voice messages -----------------------------------------------------------------------------

def _message_line(call_back: bool):
    from app.ivr.models import IVRLine
    from app.tickets.models import VoicemailRoute

    line = IVRLine(number="11185", name="11185", queue="postline-11185")
    db.session.add(line)
    db.session.flush()
    db.session.add(VoicemailRoute(line_id=line.id, type_code="consult", call_back=call_back))
    db.session.commit()


def _leave(caller: str):
    from app.ivr.models import Voicemail
    from app.pluginhost import notify

    message = Voicemail(line="11185", caller=caller, duration_s=7, path="")
    db.session.add(message)
    db.session.commit()
    notify("postline_voicemail_left", message=message)
    return message


def _orders() -> int:
    from app.tickets.models import WorkOrder

    return len(db.session.scalars(select(WorkOrder)).all())


def test_a_voice_message_on_a_line_that_calls_back_joins_the_callers_task_not_an_order(app):
    from app.tickets import voicemail

    _message_line(call_back=True)
    queue_exit(CALLER, "TIMEOUT")  # he timed out in the queue, then left a message
    _leave(CALLER)
    _leave(CALLER)
    (task,) = tasks()
    assert task.source_list == ["timeout", "voicemail"] and _orders() == 0
    assert voicemail.convert_waiting() == 0  # the sweep finds nothing left to do
    withheld = _leave("")  # nobody to ring: an order as on any line
    assert _orders() == 1 and len(tasks()) == 1 and withheld.id


def test_a_voice_message_on_a_line_that_makes_orders_makes_no_task(app):
    _message_line(call_back=False)
    _leave(CALLER)
    assert tasks() == [] and _orders() == 1


def test_the_sweep_calls_back_a_message_the_hook_missed(app, monkeypatch):
    from app.tickets import voicemail

    _message_line(call_back=True)
    monkeypatch.setattr("app.tickets.hooks.voicemail.handle", lambda message: None)  # the hook failed
    _leave(CALLER)
    assert tasks() == []
    monkeypatch.undo()
    assert voicemail.convert_waiting() == 1 and voicemail.convert_waiting() == 0
    assert [t.source for t in tasks()] == ["voicemail"] and _orders() == 0
