"""Asking Asterisk for something from a page: :func:`send` writes the action into the
outbox (:class:`~app.cti.models.CtiAction`) in the caller's transaction, so an action is
asked for exactly when the change that needs it is saved; the worker sends it."""
from __future__ import annotations

import json
import time

from app.cti import live
from app.cti.models import DONE, FAILED, CtiAction
from app.extensions import db

#: The live topic the worker's AMI loop listens on to send new actions at once.
OUTBOX_TOPIC = "cti-outbox"


def send(action: str, actor: str = "", **fields: str) -> CtiAction:
    """Queue the AMI ``action`` (``QueuePause``, ``Originate``...) with its headers."""
    row = CtiAction(action=action, actor=actor, fields=json.dumps(fields, ensure_ascii=False))
    db.session.add(row)
    db.session.flush()
    live.publish(OUTBOX_TOPIC, "action", {"id": row.id})
    return row


def fields_of(row: CtiAction) -> dict[str, str]:
    return json.loads(row.fields or "{}")


def wait_for(row_id: int, timeout: float = 5.0, interval: float = 0.1) -> CtiAction | None:
    """The action once the worker has answered it (``done`` or ``failed``), or as it stands
    after ``timeout`` seconds (still ``pending`` or ``sent``); None if there is no such row.
    For a page that wants Asterisk's answer before it replies: commit the action first
    (the worker cannot see it before), and keep ``timeout`` short: while Asterisk is away
    the worker fails a waiting action only after ``AMI_ACTION_EXPIRY``."""
    deadline = time.monotonic() + timeout
    while True:
        row = db.session.get(CtiAction, row_id, populate_existing=True)
        if row is None or row.state in (DONE, FAILED) or time.monotonic() >= deadline:
            return row
        time.sleep(interval)
