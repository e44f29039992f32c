"""Call records left open by an ``postline agi`` that died mid-call (``kill -9``, the host
lost power): the engine closes every record it opens, but only while it lives.

A record still open longer than the call deadline (``AGI_CALL_DEADLINE``, plus a minute for
the engine to close what it cut) cannot belong to a call in progress, so it is closed as
:data:`~app.calls.models.LOST`: ``ended_at`` is ``started_at`` plus the deadline, the longest
the call could have stayed in the IVR. That keeps durations honest (an outage of days does
not make a call days long) and a lost call never looks shorter than it may have been; the
reason says the end is an estimate. ``postline agi`` does it when it starts, and the worker
every few minutes (the ``core.close_lost_calls`` job); the log and the audit log say how many."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from app.audit.listener import record
from app.calls.models import LOST, CallRecord
from app.extensions import db
from app.timeutil import utcnow

log = logging.getLogger("postline.calls")

#: Time the engine has after the deadline to close a record itself.
MARGIN = timedelta(minutes=1)
REASON = "the IVR process ended during the call; end time estimated"
#: Records closed per query, so that a long outage does not make one huge transaction.
BATCH = 500


def close_lost_calls(deadline_seconds: float | None = None, now: datetime | None = None) -> int:
    """Close every record open longer than the deadline as lost; how many were closed."""
    seconds = float(current_app.config["AGI_CALL_DEADLINE"] if deadline_seconds is None
                    else deadline_seconds)
    deadline = timedelta(seconds=seconds)
    cutoff = (now or utcnow()) - deadline - MARGIN
    closed = 0
    while True:
        found = list(db.session.scalars(
            select(CallRecord).where(CallRecord.ended_at.is_(None), CallRecord.started_at < cutoff)
            .order_by(CallRecord.id).limit(BATCH)))
        for call in found:
            call.ended_at = call.started_at + deadline
            call.duration_s = int(seconds)
            call.outcome, call.reason = LOST, REASON
        db.session.commit()
        closed += len(found)
        if len(found) < BATCH:
            break
    if closed:
        log.warning("closed %d call record(s) left open by an IVR process that ended mid-call "
                    "(outcome %s)", closed, LOST)
        record("close_lost_calls", "call", "", {"closed": closed})
        db.session.commit()
    return closed


def close_lost_calls_job() -> None:
    """The worker's job (it runs in an app context)."""
    close_lost_calls()
