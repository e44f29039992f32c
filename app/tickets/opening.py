"""Work orders opened by a plugin's own page or form (an EMS pickup booking, a complaint
about a lost parcel): the same register → assign → tell-the-plugins path the
registration page takes, in one call, so a business line never writes ``WorkOrder`` rows
itself. Offered to plugins as ``app.api.open_work_order``."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.auth.models import Department, User
from app.declarations import TicketType
from app.extensions import db
from app.tickets.models import WorkOrder
from app.tickets.register import changed, register
from app.tickets.states import TRANSITIONS, apply, may
from app.tickets.types import all_types, categories_of, ensure_categories


class UnknownTicketType(ValueError):
    """The type code is neither a core type nor one an enabled plugin declares."""


def open_work_order(user: User, *, type_code: str, subject: str, description: str = "",
                    category: tuple[str, str] | None = None, department_code: str = "",
                    channel: str = "phone", priority: str = "normal", customer_id: int | None = None,
                    call_id: int | None = None, extra: dict[str, Any] | None = None) -> WorkOrder:
    """Register an order of ``type_code`` for ``user`` and commit it. ``category`` is a
    ``(top, sub)`` pair (added to the type's categories when missing, as the registration
    page adds a type's declared ones; one an administrator switched off is left out); ``department_code`` assigns the order to that active department at once
    (left unassigned, state ``new``, when there is no such department or ``user``'s roles
    may not assign: the desk's agents, team leads and managers may). Plugins are told
    (``postline_ticket_changed``) of ``register`` and, when assigned, of ``assign``."""
    types = all_types()
    if type_code not in types:
        raise UnknownTicketType(type_code)
    ensure_categories(types[type_code])
    category_id = None
    if category is not None:
        top, sub = category
        ensure_categories(TicketType(type_code, "", categories=[category]))
        for row in categories_of(type_code):
            if row.name == sub and row.parent is not None and row.parent.name == top:
                category_id = row.id
                break
    order = register(user, type_code=type_code, subject=subject, description=description, channel=channel,
                     priority=priority, category_id=category_id, customer_id=customer_id, call_id=call_id,
                     extra=extra)
    db.session.commit()
    changed(order, "register")
    department = db.session.scalar(select(Department).where(Department.code == department_code,
                                                            Department.active.is_(True))) \
        if department_code else None
    if department is not None and may(user, order, TRANSITIONS["assign"]):
        apply(order, "assign", user, {"department_id": str(department.id)})
        db.session.commit()
        changed(order, "assign")
    return order

