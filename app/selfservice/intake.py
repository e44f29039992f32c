"""A citizen's complaint or suggestion becomes a work order: channel web, the customer found
by the mobile number (or created with it), the citizen's words as the description.

An existing customer record is never changed from the public form (anyone can type any
name): the name and number as given stay with the order, for the agent to compare."""
from __future__ import annotations

from sqlalchemy import select

from app.customers.models import Customer, CustomerPhone
from app.customers.phones import national_digits
from app.extensions import db
from app.tickets.models import TicketCategory, WorkOrder
from app.tickets.register import register
from app.tickets.types import all_types, categories_of, ensure_categories

#: The types a citizen may submit here (seed 001: online complaints and suggestions).
PUBLIC_TYPES = ("complaint", "suggestion")
WEB = "web"
SUBJECT_LENGTH = 60


def offered_types() -> dict[str, str]:
    """Code → title of the public types this site knows."""
    types = all_types()
    return {code: str(types[code].title) for code in PUBLIC_TYPES if code in types}


def categories(type_code: str) -> list[TicketCategory]:
    """The type's category tree as the agents use it (declared categories added first)."""
    ensure_categories(all_types()[type_code])
    return categories_of(type_code)


def submit(type_code: str, *, name: str, phone: str, text: str,
           category_id: int | None = None) -> WorkOrder:
    """Register the citizen's order. Flushes, does not commit."""
    customer = customer_for(name.strip(), phone)
    text = text.strip()
    return register(None, type_code=type_code, subject=subject_of(text), description=text,
                    channel=WEB, category_id=category_id, customer_id=customer.id,
                    extra={"contact_name": name.strip(), "contact_phone": national_digits(phone)})


def customer_for(name: str, phone: str) -> Customer:
    """The customer with this phone (the record it was merged into, if it was), else a new
    customer with this name and phone."""
    digits = national_digits(phone)
    found = db.session.scalars(
        select(Customer).join(CustomerPhone, CustomerPhone.customer_id == Customer.id)
        .where(CustomerPhone.digits == digits)
        .order_by(Customer.merged_into_id.is_not(None), Customer.id)).first()
    seen: set[int] = set()
    while found is not None and found.merged_into_id and found.id not in seen:
        seen.add(found.id)
        found = db.session.get(Customer, found.merged_into_id)
    if found is not None:
        return found
    customer = Customer(name=name, kind="person")
    customer.phones.append(CustomerPhone(number=digits))
    db.session.add(customer)
    db.session.flush()
    return customer


def subject_of(text: str) -> str:
    """The first line of the message, cut to a list's width."""
    first = text.splitlines()[0].strip() if text else ""
    return first if len(first) <= SUBJECT_LENGTH else first[:SUBJECT_LENGTH - 1] + "…"
