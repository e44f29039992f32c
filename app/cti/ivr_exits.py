"""The IVR's own queue_log lines. Asterisk writes nothing for a caller who never reached a
queue, so the IVR's part of the traffic (self-served, voicemail, hung up in a menu) would
be missing from queue_log, and with it from every tool that reads it. For each call the IVR
has let go of, a job writes one line in Asterisk's vocabulary:

    epoch|uniqueid|NONE|NONE|IVREXIT|line|last step's node|outcome|seconds in the IVR|call id

``epoch`` is when the IVR let go; the queue is ``NONE`` (a queue the caller went on to
writes its own lines), so the queue figures do not count the line. The lines go through
:func:`app.cti.queue_log.store` like Asterisk's and are found again by their digest, so the
job may read a record twice."""
from __future__ import annotations

import json
from datetime import datetime, timedelta

from sqlalchemy import select

from app.calls.models import CallRecord
from app.cti.models import QueueLogSource
from app.cti.queue_log import QueueLogRow, StoreResult, epoch_of, store
from app.extensions import db
from app.timeutil import utcnow

EVENT = "IVREXIT"
SOURCE = "postline:ivr-exits"
#: Records read per run at most; the next run goes on from the last one's end.
LIMIT = 5000
#: How far before the watermark each run looks again: a record closed a moment ago may be
#: committed after one closed later (two agi processes).
OVERLAP = timedelta(minutes=2)

def write_ivr_exits() -> StoreResult:
    """One IVREXIT line per closed call record not written yet; the caller need not commit."""
    state = db.session.scalar(select(QueueLogSource).where(QueueLogSource.name == SOURCE))
    if state is None:
        state = QueueLogSource(name=SOURCE, position=0, last_seen="", lines=0, bad_lines=0)
        db.session.add(state)
    query = (select(CallRecord).where(CallRecord.ended_at.is_not(None), CallRecord.outcome != "")
             .order_by(CallRecord.ended_at, CallRecord.id).limit(LIMIT))
    if state.last_seen:
        query = query.where(CallRecord.ended_at >= datetime.fromisoformat(state.last_seen) - OVERLAP)
    records = list(db.session.scalars(query))
    result = store([exit_row(record) for record in records], "postline")
    if records:
        state.last_seen = max(record.ended_at for record in records).isoformat()  # type: ignore[type-var]
    state.lines += result.added
    state.updated_at = utcnow()
    db.session.commit()
    return result


def exit_row(record: CallRecord) -> QueueLogRow:
    return QueueLogRow(epoch_of(record.ended_at),  # type: ignore[arg-type]  # closed records only
                       record.uniqueid or f"postline-{record.id}", "NONE", "NONE", EVENT,
                       (record.line, _last_node(record.path), record.outcome, str(record.duration_s or 0),
                        str(record.id)))


def _last_node(path: str) -> str:
    try:
        steps = json.loads(path or "[]")
    except ValueError:
        return ""
    return str(steps[-1].get("node", "")) if steps and isinstance(steps[-1], dict) else ""
