"""A caller who chose "call me back" in the IVR (the ``core.callback_request`` node) gets a
call-back task when his call ends: the IVR, below the rooms that keep tasks, only noted
``callback.number`` and ``callback.queue`` in the call's data."""
from __future__ import annotations

import json
import logging

from app.calls.models import CallRecord
from app.extensions import db
from app.tickets import callbacks
from app.tickets.callback_models import IVR

log = logging.getLogger("postline.agents")


def from_ivr(call: CallRecord) -> None:
    """The task for ``call``'s request, if it made one; committed (the IVR's event comes
    after its own commit). A failure is logged, never raised into the IVR."""
    try:
        data = json.loads(call.data or "{}")
    except ValueError:
        return
    number = data.get("callback.number") if isinstance(data, dict) else None
    if not number:
        return
    try:
        task = callbacks.request_callback(str(number), IVR, queue=str(data.get("callback.queue") or call.queue or ""),
                                          call_id=call.id, actor="ivr")
        db.session.commit()
    except Exception:
        db.session.rollback()
        log.exception("call %s: the caller's call-back request was not saved", call.id)
        return
    if task is None:
        log.warning("call %s: %r is not a number to call back", call.id, number)
