"""Registering a work order, and telling plugins when one changed."""
from __future__ import annotations

import json
from typing import Any

from app.auth.models import User
from app.extensions import db
from app.pluginhost import notify
from app.tickets.deadlines import deadline_for
from app.tickets.models import STATE, WorkOrder
from app.tickets.numbering import next_number
from app.tickets.states import record
from app.timeutil import utcnow


def register(user: User | None, *, type_code: str, subject: str, description: str = "",
             channel: str = "phone", priority: str = "normal", category_id: int | None = None,
             customer_id: int | None = None, call_id: int | None = None,
             extra: dict[str, Any] | None = None) -> WorkOrder:
    """A new order in state ``new`` with its number and its first history entry. Flushes,
    does not commit: the number is the caller's until it commits."""
    now = utcnow()
    order = WorkOrder(number=next_number(now), type_code=type_code, subject=subject.strip(),
                      description=description.strip(), channel=channel, priority=priority,
                      category_id=category_id, customer_id=customer_id, call_id=call_id,
                      extra=json.dumps(extra or {}, ensure_ascii=False, default=str),
                      created_by_id=user.id if user else None, created_at=now, state="new",
                      updated_by=user.username if user else "", updated_at=now)
    db.session.add(order)
    db.session.flush()
    order.due_at = deadline_for(order)
    record(order, user, STATE, action="register", old="", new="new", text=order.subject)
    db.session.flush()
    return order


def changed(order: WorkOrder, action: str) -> None:
    """Tell plugins (``postline_ticket_changed``), after the change is committed."""
    notify("postline_ticket_changed", order=order, action=action)
