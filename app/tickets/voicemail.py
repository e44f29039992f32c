"""Every voice message left in the IVR becomes a work order (or, on a line whose route says
so, a call-back task: :mod:`app.tickets.voicemail_callbacks`): of the type, category and
priority the line's route names (:class:`~app.tickets.models.VoicemailRoute`; a line without
one gives a consultation), at the route's department (none: it waits at the desk, state
new), channel phone, linked to the call, the customer found by the calling number, and the
recording attached.

Two ways lead here, and either may fail without losing a message. The IVR tells of each
new message (``postline_voicemail_left``): the order is made at once. The worker's job
(:func:`convert_waiting`) looks every few minutes for messages that have no order yet (the
database was busy, a bug, a message left before this existed) and makes theirs. A message
an agent already marked handled on the voice messages page is left alone.

One order per message, however often and from however many processes this runs: the
order's ``voicemail_id`` is unique; a second conversion of the same message rolls back and
finds the first one's order."""
from __future__ import annotations

import logging
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError

from app.auth.models import Department
from app.calls.callers import profile
from app.extensions import db
from app.ivr.call import recording_path
from app.ivr.models import IVRLine, Voicemail
from app.tickets.attachments import AttachmentRefused, attach
from app.tickets.callback_models import CallbackVoicemail
from app.tickets.kinds import PRIORITIES
from app.tickets.models import ASSIGNMENT, COMMENT, STATE, TicketCategory, VoicemailRoute, WorkOrder
from app.tickets.register import changed, register
from app.tickets.states import record
from app.tickets.types import all_types
from app.tickets.voicemail_callbacks import call_back
from app.timeutil import local

log = logging.getLogger("postline.tickets")

#: What a line without a route makes of its messages.
DEFAULT_TYPE = "consult"
#: The name the orders' history gives the IVR.
IVR_ACTOR = "ivr"
#: Minutes between two runs of the job.
SWEEP_MINUTES = 5
#: Messages converted by one run of the job: a backlog is worked off over several runs.
BATCH = 100
HANDLED = "handled"  # app.ivr.web.voicemail.HANDLED (a page module, not for import here)


@dataclass(frozen=True)
class _System:
    """The IVR as the registering "user": no account, a name for the history."""

    username: str = IVR_ACTOR
    id: None = None


def handle(message: Voicemail) -> bool:
    """What ``message`` becomes: a call-back task when its line's route calls back and
    the caller left a number, else a work order. ``False`` when that failed (logged; the
    job tries again later)."""
    route = route_for(message.line)
    if route is not None and route.call_back and call_back(message):
        return True
    return order_for(message) is not None


def order_for(message: Voicemail) -> WorkOrder | None:
    """The message's order, made and committed if it has none. ``None`` when making it
    failed (logged; the job tries again later)."""
    existing = _order_of(message.id)
    if existing is not None:
        return existing
    try:
        order = _make(message)
        db.session.commit()
    except IntegrityError:  # another process made it first: theirs is the one
        db.session.rollback()
        return _order_of(message.id)
    except Exception:
        db.session.rollback()
        log.exception("voice message %s: no work order made; the next sweep tries again", message.id)
        return None
    changed(order, "register")
    return order


def convert_waiting() -> int:
    """The worker's job: an order (or a call-back task) for each unhandled voice message
    that has neither yet. Returns how many were made."""
    waiting = db.session.scalars(
        select(Voicemail.id).where(Voicemail.status != HANDLED,
                                   ~exists().where(WorkOrder.voicemail_id == Voicemail.id),
                                   ~exists().where(CallbackVoicemail.voicemail_id == Voicemail.id))
        .order_by(Voicemail.id).limit(BATCH)).all()
    made = 0
    for message_id in waiting:
        message = db.session.get(Voicemail, message_id)
        if message is not None and handle(message):
            made += 1
    return made


def route_for(line_number: str) -> VoicemailRoute | None:
    return db.session.scalar(select(VoicemailRoute).join(IVRLine, IVRLine.id == VoicemailRoute.line_id)
                             .where(IVRLine.number == line_number))


def _order_of(message_id: int) -> WorkOrder | None:
    return db.session.scalar(select(WorkOrder).where(WorkOrder.voicemail_id == message_id))


def _make(message: Voicemail) -> WorkOrder:
    route = route_for(message.line)
    type_code, category_id, department, priority = _routing(route)
    caller = message.caller or _("unknown number")
    order = register(_System(), type_code=type_code, category_id=category_id,  # type: ignore[arg-type]
                     subject=_("Voice message from %(caller)s", caller=caller),
                     description=_("Left on line %(line)s at %(time)s, %(seconds)s seconds long.",
                                   line=message.line, time=f"{local(message.at):%Y-%m-%d %H:%M}",
                                   seconds=message.duration_s),
                     channel="phone", priority=priority, customer_id=profile(message.caller).customer_id,
                     call_id=message.call_id)
    order.voicemail_id = message.id
    db.session.flush()  # the unique link first: a second conversion stops here
    if department is not None:
        order.department_id = department.id
        order.state = "assigned"
        _system_entry(record(order, None, ASSIGNMENT, field="department_id", old="", new=department.id))
        _system_entry(record(order, None, STATE, action="assign", old="new", new="assigned",
                             text=_("Voice message routed by line %(line)s.", line=message.line)))
    _attach_recording(order, message)
    db.session.flush()
    return order


def _routing(route: VoicemailRoute | None) -> tuple[str, int | None, Department | None, str]:
    """The route's choices, each checked again: a type a plugin no longer declares, a
    category switched off or a department closed since the route was saved gives way to
    the default, so that the message still becomes an order."""
    if route is None:
        return DEFAULT_TYPE, None, None, "normal"
    type_code = route.type_code if route.type_code in all_types() else DEFAULT_TYPE
    category = db.session.get(TicketCategory, route.category_id) if route.category_id else None
    category_id = category.id if category and category.active and category.type_code == type_code else None
    department = route.department if route.department and route.department.active else None
    priority = route.priority if route.priority in PRIORITIES else "normal"
    return type_code, category_id, department, priority


def _attach_recording(order: WorkOrder, message: Voicemail) -> None:
    """A copy of the recording, so that the order's evidence does not depend on what
    becomes of the recordings folder. A missing or unreadable file is said in an internal
    note: the order is made all the same."""
    try:
        data = recording_path(message.path).read_bytes() if message.path else b""
        attach(order, data, f"voicemail-{message.id}.wav", IVR_ACTOR, voicemail_id=message.id, limit=False)
    except (OSError, ValueError) as problem:  # AttachmentRefused is a ValueError
        reason = str(problem) if isinstance(problem, AttachmentRefused) else _("the file cannot be read")
        _system_entry(record(order, None, COMMENT, action="note", text=_(
            "The recording %(path)s could not be attached: %(reason)s", path=message.path, reason=reason)))


def _system_entry(entry):  # type: ignore[no-untyped-def]
    entry.actor = IVR_ACTOR
    return entry
