"""The call summary (来电小结): what the call was about (a work-order type and one of its
categories), whether it was resolved on the phone, and the agent's notes; the calls an agent
has still to summarise; and a work order registered from a summary.

The summary is a person's record of the call, which quality checks and complaints rely on,
so every save and correction goes into the audit trail with the values before and after
(:func:`app.audit.listener.record`). :class:`~app.agents.models.DeskCall` is deliberately
not an ``Audited`` model: most of its changes are Asterisk's (offered, answered, ended,
several per call, written by the worker), and logging each of them would bury the few
changes people make under thousands of rows a day that say nothing."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.agents.models import DeskCall
from app.audit.editing import claim
from app.audit.listener import record
from app.auth.models import User
from app.extensions import db
from app.tickets.models import TicketCategory, WorkOrder
from app.tickets.register import register
from app.tickets.types import all_types, categories_of, ensure_categories
from app.timeutil import utcnow

#: The fields a summary holds, in the audit record's before/after.
FIELDS = ("ticket_type", "category_id", "resolved", "notes")
MAX_NOTES = 4000
#: The separator of a "what" choice's value: ``complaint`` or ``complaint:17``.
SEP = ":"


class SummaryRefused(ValueError):
    """The summary cannot be saved as given; ``str()`` is the sentence for the user."""


@dataclass(frozen=True)
class What:
    """One entry of the summary's "what was it about" list: a type alone, or a type with one
    of its active categories (``label``: 投诉 › 邮件延误 › 超时未到)."""

    value: str
    label: str
    type_code: str
    category_id: int | None


def what_choices() -> list[What]:
    """Every type, each followed by its active categories, in the registration form's order:
    one list the agent can type into to find the entry (no second list to wait for)."""
    found: list[What] = []
    for code, ticket_type in all_types().items():
        ensure_categories(ticket_type)
        found.append(What(code, str(ticket_type.title), code, None))
        found.extend(What(f"{code}{SEP}{category.id}", f"{ticket_type.title} › {category.path}", code, category.id)
                     for category in categories_of(code))
    return found


def parse_what(value: str) -> tuple[str, int | None]:
    """The type code and category id of a "what" value; :class:`SummaryRefused` for an
    unknown type, or a category that is not an active one of that type."""
    code, _sep, category_text = (value or "").strip().partition(SEP)
    if not code:
        raise SummaryRefused(_("Choose what the call was about."))
    if code not in all_types():
        raise SummaryRefused(_("That kind of call is not known here; choose one from the list."))
    if not category_text:
        return code, None
    category = db.session.get(TicketCategory, int(category_text)) if category_text.isdigit() else None
    if category is None or category.id not in {c.id for c in categories_of(code)}:
        raise SummaryRefused(_("That category does not belong to the chosen kind of call (or was switched "
                               "off); choose again."))
    return code, category.id


def what_value(call: DeskCall) -> str:
    """The "what" value a call's summary stands at (``""``: none yet)."""
    if not call.ticket_type:
        return ""
    return f"{call.ticket_type}{SEP}{call.category_id}" if call.category_id else call.ticket_type


def what_label(call: DeskCall) -> str:
    """The call's kind and category as the list shows them (``""``: not summarised)."""
    if not call.ticket_type:
        return ""
    ticket_type = all_types().get(call.ticket_type)
    category = db.session.get(TicketCategory, call.category_id) if call.category_id else None
    return " › ".join(filter(None, [str(ticket_type.title) if ticket_type else call.ticket_type,
                                    category.path if category else ""]))


def save(call: DeskCall, user: User, *, what: str, resolved: bool, notes: str, seen: int) -> bool:
    """Save (or correct) the call's summary. ``False`` when someone saved the call since the
    form was opened at version ``seen`` (nothing is changed then); :class:`SummaryRefused`
    for a choice that is not valid."""
    type_code, category_id = parse_what(what)
    notes = _notes(notes)
    if not claim(call, seen, user.username):
        return False
    before = _values(call)
    call.ticket_type, call.category_id, call.resolved, call.notes = type_code, category_id, resolved, notes
    call.summarised_at = utcnow()
    _audit("summarise", call, before)
    return True


def save_so_far(call: DeskCall, user: User, *, what: str, resolved: bool | None, notes: str, seen: int) -> bool:
    """What a transfer keeps of the summary typed so far: the notes always, the type and
    category when one is chosen (then the call counts as summarised); a choice that is not
    valid is left out rather than holding up the caller's transfer."""
    notes = _notes(notes)
    try:
        type_code, category_id = parse_what(what) if what else ("", None)
    except SummaryRefused:
        type_code, category_id = "", None
    if not claim(call, seen, user.username):
        return False
    before = _values(call)
    call.notes = notes
    if type_code:
        call.ticket_type, call.category_id = type_code, category_id
        call.resolved = resolved
        call.summarised_at = utcnow()
    _audit("summarise", call, before)
    return True


def create_work_order(call: DeskCall, user: User) -> WorkOrder:
    """Register a work order from the call's summary: its type and category, the caller's
    customer and IVR call record, the notes as what the customer said; the call keeps the
    order's link. A call that has an order already gets no second one."""
    if call.work_order_id is not None:
        order = db.session.get(WorkOrder, call.work_order_id)
        if order is not None:
            return order
    if not call.ticket_type:
        raise SummaryRefused(_("Choose what the call was about."))
    subject = what_label(call)
    if call.caller:
        subject = f"{subject} ({call.caller})"
    order = register(user, type_code=call.ticket_type, subject=subject[:200], description=call.notes,
                     channel="phone", category_id=call.category_id, customer_id=call.customer_id,
                     call_id=call.call_id, extra={"desk_call": call.id, "caller": call.caller})
    call.work_order_id = order.id
    record("work_order_from_call", "DeskCall", str(call.id), {"work_order": order.number})
    return order


def unsummarised(user_id: int) -> list[DeskCall]:
    """The agent's answered calls without a summary, oldest first."""
    return list(db.session.scalars(_unsummarised(user_id).order_by(DeskCall.answered_at, DeskCall.id)))


def unsummarised_count(user_id: int) -> int:
    """How many calls the agent has still to summarise (the desk's badge)."""
    return db.session.scalar(_unsummarised(user_id).with_only_columns(func.count())) or 0


def _unsummarised(user_id: int):  # noqa: ANN202 - a Select of DeskCall
    return select(DeskCall).where(DeskCall.agent_id == user_id, DeskCall.answered_at.is_not(None),
                                  DeskCall.summarised_at.is_(None))


def _notes(notes: str) -> str:
    notes = (notes or "").strip()
    if len(notes) > MAX_NOTES:
        raise SummaryRefused(_("The notes may be at most %(count)d characters long.", count=MAX_NOTES))
    return notes


def _values(call: DeskCall) -> dict[str, object]:
    return {name: getattr(call, name) for name in FIELDS}


def _audit(action: str, call: DeskCall, before: dict[str, object]) -> None:
    after = _values(call)
    if after != before:
        record(action, "DeskCall", str(call.id), {"before": before, "after": after})
