"""Who may see a work order (its page, its attachments).

Everyone at the desk (agents, team leaders, quality inspectors, managers, administrators)
may see every order: a customer calls back about any of them. A person who is only back
office sees the orders of their own department, and those they are or were made the
assignee of or registered: a complaint's photos are not for every department of the
centre. Seeing is not acting: :func:`app.tickets.states.may` decides that."""
from __future__ import annotations

from sqlalchemy import exists, select

from app.auth.models import User
from app.auth.permissions import has_permission
from app.extensions import db
from app.tickets.models import ASSIGNMENT, TicketEntry, WorkOrder

#: The roles whose holders see only their department's orders.
DEPARTMENT_ONLY = frozenset({"backoffice"})


def may_see(user: User, order: WorkOrder) -> bool:
    if not has_permission(user, "tickets.view"):
        return False
    if user.roles - DEPARTMENT_ONLY:
        return True
    if order.department_id is not None and order.department_id == user.department_id:
        return True
    if user.id in (order.assignee_id, order.created_by_id):
        return True
    return bool(db.session.scalar(select(exists().where(
        TicketEntry.order_id == order.id, TicketEntry.kind == ASSIGNMENT,
        TicketEntry.field == "assignee_id", TicketEntry.new == str(user.id)))))
