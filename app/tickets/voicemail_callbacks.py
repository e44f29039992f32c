"""Voice messages that are called back instead of made into work orders: on a line whose
voice-message route says "call the caller back" (``VoicemailRoute.call_back``), a message
with a number we can ring joins the caller's open call-back task (or makes one) for the
line's queue. A message from a withheld number cannot be called back: it becomes an order
as on every other line, so nothing is left unhandled.

Once per message, like the orders: :class:`CallbackVoicemail` has the message as its
primary key; a second conversion rolls back and finds the first's."""
from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.ivr.models import IVRLine, Voicemail
from app.tickets import callbacks
from app.tickets.callback_models import VOICEMAIL, CallbackVoicemail

log = logging.getLogger("postline.tickets")


def call_back(message: Voicemail) -> bool:
    """Make ``message`` part of its caller's call-back task; committed. ``False`` when it
    cannot be called back (no number to ring): then it is to become an order."""
    if db.session.get(CallbackVoicemail, message.id) is not None:
        return True
    line = db.session.scalar(select(IVRLine).where(IVRLine.number == message.line))
    try:
        task = callbacks.request_callback(message.caller, VOICEMAIL, queue=line.queue if line else "",
                                          call_id=message.call_id, actor="ivr")
        if task is None:
            db.session.rollback()
            return False
        db.session.add(CallbackVoicemail(voicemail_id=message.id, task_id=task.id))
        db.session.commit()
    except IntegrityError:  # another process converted it first
        db.session.rollback()
    except Exception:
        db.session.rollback()
        log.exception("voice message %s: no call-back task made; the next sweep tries again", message.id)
    return True
