"""Asking Asterisk for something from a page: :func:`send` writes the action into the
outbox (:class:`~app.cti.models.CtiAction`) in the caller's transaction, so an action is
asked for exactly when the change that needs it is saved; the worker sends it."""
from __future__ import annotations

import json

from app.cti import live
from app.cti.models import CtiAction
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
