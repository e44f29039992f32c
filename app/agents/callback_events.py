"""What Asterisk tells that makes or closes a caller's call-back task.

* ``QueueCallerAbandon``: the caller hung up while waiting. Called back unless he waited
  less than ``CALLBACK_SHORT_ABANDON_SECONDS`` (a short abandon: a change of mind, a wrong
  number; the service level ignores those as well).
* ``UserEvent`` ``PostLineQueueExit``: the dialplan's ``noagent`` path after ``Queue()``
  (dialplan/extensions_postline.conf) says why the queue let the caller go unanswered:
  ``Status`` is Asterisk's own ``QUEUESTATUS`` (TIMEOUT, FULL, JOINEMPTY, LEAVEEMPTY...).
  Why a UserEvent and not ``QueueCallerLeave``: Asterisk sends ``QueueCallerLeave`` for a
  caller connected to an agent too, and for one who hung up, so telling a timeout from it
  needs every caller's join, connect and leave remembered across events, which a worker
  restart or a missed event gets wrong. ``QUEUESTATUS`` is Asterisk's verdict, given once,
  on the caller's channel, when the queue is done with him.
* ``QueueCallerJoin``: a caller is in a queue again; his open call-back tasks are done
  ("客户已再次来电"): he is being served now. Earlier than ``postline_call_ended`` (which
  comes when he leaves the IVR, too late if he hangs up in the queue) and only for callers
  who want an agent, not for those served by the IVR itself.

Handlers never commit: the worker commits after each event."""
from __future__ import annotations

import logging

from flask import current_app
from sqlalchemy import select

from app.calls.models import CallRecord
from app.declarations import AmiEvent
from app.extensions import db
from app.tickets import callbacks
from app.tickets.callback_models import ABANDONED, TIMEOUT

log = logging.getLogger("postline.agents")

#: The dialplan's UserEvent after an unanswered Queue() (``UserEvent: PostLineQueueExit``).
QUEUE_EXIT = "PostLineQueueExit"
#: ``QUEUESTATUS`` values that mean: the caller is still there and nobody answered.
UNANSWERED = ("TIMEOUT", "FULL", "JOINEMPTY", "JOINUNAVAIL", "LEAVEEMPTY", "LEAVEUNAVAIL")


def on_event(event: AmiEvent) -> None:
    if event.name == "QueueCallerAbandon":
        _abandoned(event)
    elif event.name == "UserEvent" and event.get("UserEvent") == QUEUE_EXIT:
        _queue_exit(event)
    elif event.name == "QueueCallerJoin":
        closed = callbacks.caller_called_again(event.get("CallerIDNum"))
        if closed:
            log.info("caller %s called again: %d call-back task(s) done", event.get("CallerIDNum"), len(closed))


def _abandoned(event: AmiEvent) -> None:
    held = _int(event.get("HoldTime"))
    if held < int(current_app.config["CALLBACK_SHORT_ABANDON_SECONDS"]):
        return
    call = _call_of(event.get("Uniqueid"))
    callbacks.request_callback(event.get("CallerIDNum") or (call.caller if call else ""), ABANDONED,
                               queue=event.get("Queue") or (call.queue if call else ""),
                               call_id=call.id if call else None, actor="asterisk")


def _queue_exit(event: AmiEvent) -> None:
    if event.get("Status").upper() not in UNANSWERED:
        return
    call = _call_of(event.get("Uniqueid"), event.get("PostLineCallId"))
    callbacks.request_callback(event.get("CallerIDNum") or (call.caller if call else ""), TIMEOUT,
                               queue=event.get("Queue") or (call.queue if call else ""),
                               call_id=call.id if call else None, actor="asterisk")


def _call_of(uniqueid: str, call_id: str = "") -> CallRecord | None:
    """The caller's IVR record: by his channel's uniqueid first, else by the id the
    dialplan carried (``POSTLINE_CALL_ID``)."""
    if uniqueid:
        found = db.session.scalar(select(CallRecord).where(CallRecord.uniqueid == uniqueid)
                                  .order_by(CallRecord.id.desc()).limit(1))
        if found is not None:
            return found
    return db.session.get(CallRecord, int(call_id)) if call_id.isdigit() and len(call_id) < 10 else None


def _int(text: str) -> int:
    return int(text) if text.strip().isdigit() else 0
