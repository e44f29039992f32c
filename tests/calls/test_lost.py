"""Call records an IVR process left open when it died (kill -9) are closed as lost once
they are older than the call deadline, at ``postline agi``'s start and by the worker's job;
calls that may still be in progress are left alone."""
from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import select

from app.audit.models import AuditLog
from app.calls.lost import close_lost_calls, close_lost_calls_job
from app.calls.models import LOST, CallRecord
from app.extensions import db
from app.ivr.commands import start_up
from app.timeutil import utcnow
from app.worker import declared_jobs

DEADLINE = 1800


def open_call(minutes_ago: float, **fields) -> int:
    started = utcnow() - timedelta(minutes=minutes_ago)
    record = CallRecord(uniqueid=f"u{minutes_ago}", caller="13800000002", started_at=started, **fields)
    db.session.add(record)
    db.session.commit()
    return record.id


def test_records_open_past_the_deadline_are_closed_as_lost_and_counted(app, caplog):
    caplog.set_level(logging.INFO, logger="postline.calls")
    lost = open_call(120)
    in_progress = open_call(10)
    done = open_call(200, ended_at=utcnow() - timedelta(minutes=190), duration_s=600, outcome="transferred")

    assert close_lost_calls(DEADLINE) == 1
    db.session.expire_all()
    record = db.session.get(CallRecord, lost)
    assert record.outcome == LOST and record.closed
    assert record.ended_at == record.started_at + timedelta(seconds=DEADLINE)
    assert record.duration_s == DEADLINE
    assert db.session.get(CallRecord, in_progress).ended_at is None  # may still be talking
    assert db.session.get(CallRecord, done).outcome == "transferred"
    assert "closed 1 call record(s) left open" in caplog.text
    audit = db.session.scalars(select(AuditLog).where(AuditLog.action == "close_lost_calls")).one()
    assert '"closed": 1' in audit.after
    assert close_lost_calls(DEADLINE) == 0  # nothing twice


def test_postline_agi_closes_them_when_it_starts(app):
    lost = open_call(120)
    start_up(app)
    db.session.expire_all()
    assert db.session.get(CallRecord, lost).outcome == LOST


def test_the_worker_closes_them_every_few_minutes(app):
    (job,) = [j for j in declared_jobs(app).values() if j.func is close_lost_calls_job]
    assert job.trigger == "interval" and job.trigger_args["minutes"] <= 10
    lost = open_call(120)
    close_lost_calls_job()  # as the worker runs it, with the site's AGI_CALL_DEADLINE
    db.session.expire_all()
    assert db.session.get(CallRecord, lost).outcome == LOST
