"""The worker's side of the outbox (:mod:`app.cti.actions` is the pages' side): pending
:class:`CtiAction` rows are sent in id order, each marked ``sent`` before it goes (so a
crash never sends it twice) and then ``done`` with Asterisk's answer or ``failed`` with
its ``Message``. While Asterisk is not connected, a row that waited longer than the
expiry fails with :data:`NOT_CONNECTED`: the page that asked can say so instead of
waiting for ever."""
from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import select, update

from app.cti.actions import fields_of
from app.cti.models import DONE, FAILED, PENDING, SENT, CtiAction
from app.extensions import db
from app.timeutil import utcnow

log = logging.getLogger("postline.cti")

NOT_CONNECTED = "Asterisk is not connected"
CONNECTION_LOST = "The connection to Asterisk was lost before it answered"
NO_ANSWER = "Asterisk did not answer in time"
INTERRUPTED = "The worker stopped before Asterisk answered"
BATCH = 50

#: ``send(headers) -> answer headers``; raises ConnectionError (or a subclass) when the
#: connection broke, TimeoutError when Asterisk did not answer.
Sender = Callable[[dict[str, Any]], dict[str, Any]]


def pending_ids(limit: int = BATCH) -> list[int]:
    """The oldest pending actions (the cheap query on ``ix_cti_action_state``)."""
    return list(db.session.scalars(select(CtiAction.id).where(CtiAction.state == PENDING)
                                   .order_by(CtiAction.id).limit(limit)))


def send_one(row_id: int, sender: Sender) -> bool:
    """Send one pending action; False when the connection broke (the row is failed)."""
    row = db.session.get(CtiAction, row_id)
    if row is None or row.state != PENDING:
        return True
    headers = {"Action": row.action, **fields_of(row)}
    row.state, row.sent_at = SENT, utcnow()
    db.session.commit()
    try:
        answer = sender(headers)
    except TimeoutError:
        _finish(row, FAILED, {}, NO_ANSWER)
        return False
    except ConnectionError:
        _finish(row, FAILED, {}, CONNECTION_LOST)
        return False
    ok = str(answer.get("Response", "")) in ("Success", "Follows", "Goodbye")
    _finish(row, DONE if ok else FAILED, answer, "" if ok else str(answer.get("Message") or answer.get("Response")))
    return True


def _finish(row: CtiAction, state: str, answer: dict[str, Any], error: str) -> None:
    row.state, row.done_at, row.error = state, utcnow(), error[:500]
    row.response = json.dumps(answer, ensure_ascii=False, default=str)
    db.session.commit()
    log.log(logging.INFO if state == DONE else logging.WARNING, "AMI action %s #%s %s%s",
            row.action, row.id, state, f": {error}" if error else "")


def expire_pending(older_than_seconds: float) -> int:
    """Fail the pending actions older than ``older_than_seconds`` (Asterisk is not
    connected); how many. Reads first, so an idle outbox costs no write."""
    cutoff = utcnow() - timedelta(seconds=older_than_seconds)
    stale = CtiAction.state == PENDING, CtiAction.requested_at < cutoff
    if db.session.scalar(select(CtiAction.id).where(*stale).limit(1)) is None:
        return 0
    result = db.session.execute(update(CtiAction).where(*stale)
                                .values(state=FAILED, error=NOT_CONNECTED, done_at=utcnow()))
    db.session.commit()
    log.warning("AMI not connected: %d pending action(s) failed", result.rowcount)
    return int(result.rowcount or 0)


def fail_interrupted() -> int:
    """Actions left ``sent`` by a worker that stopped mid-way: whether Asterisk did them
    is unknown, so they are failed rather than sent again."""
    result = db.session.execute(update(CtiAction).where(CtiAction.state == SENT)
                                .values(state=FAILED, error=INTERRUPTED, done_at=utcnow()))
    db.session.commit()
    return int(result.rowcount or 0)
