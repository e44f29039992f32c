"""What a citizen may read about an order: found only when the number and a phone of the
order's customer both match (otherwise nothing, the same way whatever was wrong), and then
only its state in plain words, the notes staff marked for the customer, and the result.
Internal notes, names of staff, departments and the history's details never leave here."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.customers.models import Customer
from app.customers.phones import national_digits
from app.extensions import db
from app.tickets.models import COMMENT, TicketEntry, WorkOrder
from app.tickets.states import find_by_number
from app.tickets.types import all_types

#: The order's state as the citizen is told it. Returned to the agent is still being
#: handled, as far as the citizen is concerned.
CITIZEN_STATES = {
    "new": _l("Received; it will be passed to the department in charge"),
    "assigned": _l("Passed to the department in charge"),
    "processing": _l("Being handled"),
    "returned": _l("Being handled"),
    "pending": _l("Waiting for more information from you; we will contact you"),
    "resulted": _l("Handled; we will call you to tell you the result"),
    "feedback": _l("Handled; thank you for your feedback"),
    "closed": _l("Closed"),
    "merged": _l("Handled together with another request about the same matter"),
}
#: States in which the department's answer is there to be read.
ANSWERED = frozenset({"resulted", "feedback", "closed"})


@dataclass
class Note:
    at: datetime
    text: str


@dataclass
class CitizenView:
    number: str
    type_title: str
    category: str
    submitted_at: datetime
    state: str
    state_text: str
    result: str = ""
    #: The number of the order this one went into (the same customer's), if it did.
    merged_into: str = ""
    notes: list[Note] = field(default_factory=list)


def look_up(number: str, phone: str) -> CitizenView | None:
    """The citizen's view of order ``number``, or ``None`` unless ``phone`` is one of its
    customer's numbers."""
    digits = national_digits(phone)
    order = db.session.scalar(select(WorkOrder).where(WorkOrder.number == number.strip()))
    if not digits or order is None or order.customer is None:
        return None
    people = _records(order.customer)
    if digits not in {p.digits for person in people for p in person.phones}:
        return None
    shown = order
    if order.merged_into_id:
        target = find_by_number(order.number)
        if target is not None and target.customer_id in {person.id for person in people}:
            shown = target
    return _view(order, shown)


def _records(customer: Customer) -> list[Customer]:
    """The customer and the records it was merged into (its phones may have moved there)."""
    chain = [customer]
    while chain[-1].merged_into_id and len(chain) < 10:
        survivor = db.session.get(Customer, chain[-1].merged_into_id)
        if survivor is None or survivor in chain:
            break
        chain.append(survivor)
    return chain


def _view(order: WorkOrder, shown: WorkOrder) -> CitizenView:
    types = all_types()
    ids = {order.id, shown.id}
    notes = db.session.scalars(select(TicketEntry).where(
        TicketEntry.order_id.in_(ids), TicketEntry.kind == COMMENT, TicketEntry.public.is_(True))
        .order_by(TicketEntry.at, TicketEntry.id)).all()
    return CitizenView(
        number=order.number,
        type_title=str(types[shown.type_code].title) if shown.type_code in types else "",
        category=shown.category.path if shown.category else "",
        submitted_at=order.created_at,
        state=shown.state,
        state_text=str(CITIZEN_STATES.get(shown.state, CITIZEN_STATES["processing"])),
        result=shown.result if shown.state in ANSWERED else "",
        merged_into=shown.number if shown is not order else "",
        notes=[Note(entry.at, entry.text) for entry in notes],
    )
