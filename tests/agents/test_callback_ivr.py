"""The IVR's "call me back" node (core.callback_request) on simulated calls: the caller's
number read back and confirmed, or one he keys in, the promise of when he is called, and
the task the agent desk makes of it when the call ends."""
from __future__ import annotations

import json
from datetime import datetime, timezone

from flask import current_app
from sqlalchemy import select

from app.calendars.models import BusinessCalendar
from app.calls.models import CallRecord
from app.extensions import db
from app.ivr import flows
from app.ivr.models import IVRFlow, IVRLine
from app.ivr.simulator import simulate
from app.tickets.callback_models import CallbackTask

MONDAY_10H = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)
FLOW = {"start": "ask", "steps": [
    {"id": "ask", "type": "core.callback_request", "params": {"within_minutes": 20}, "next": {"done": "bye"}},
    {"id": "bye", "type": "core.hangup"}]}


def _line() -> None:
    flows.save_version("f12329", FLOW)
    flow_id = db.session.scalar(select(IVRFlow.id).where(IVRFlow.name == "f12329"))
    db.session.add(IVRLine(number="12329", name="12329", queue="postline-12329", flow_id=flow_id,
                           calendar=BusinessCalendar(name="12329", hours="{}")))
    db.session.commit()


def _call(inputs, caller):
    return simulate(current_app._get_current_object(), "12329", inputs, now=MONDAY_10H, dry_run=False, caller=caller)


def _task() -> CallbackTask:
    db.session.expire_all()
    return db.session.scalars(select(CallbackTask)).one()


def test_the_caller_confirms_his_number_and_is_told_when_he_is_called(app):
    _line()
    transcript = _call(["1"], caller="13900139000")
    assert transcript.heard[:2] == ["callback-number-is", "digits:13900139000"]
    assert transcript.heard[2:] == ["callback-confirm", "callback-within", "number:20", "callback-promise", "goodbye"]
    record = db.session.scalars(select(CallRecord)).one()
    assert json.loads(record.data)["callback.number"] == "13900139000"
    task = _task()
    assert (task.phone, task.source, task.queue, task.call_id) == ("13900139000", "ivr", "postline-12329", record.id)


def test_the_caller_keys_in_another_number_or_must_when_his_is_withheld(app):
    _line()
    _call(["2", "12345", "02088886666"], caller="13900139000")
    assert _task().phone == "02088886666"
    db.session.delete(_task())
    db.session.commit()
    transcript = _call(["13700137000"], caller="anonymous")
    assert transcript.heard[0] == "callback-enter"
    assert _task().phone == "13700137000"
