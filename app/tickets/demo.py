"""``postline demo load`` for work orders: the categories of every core type and a few
dozen orders in every state, with their history, deadlines (several
overdue), pauses, merges and reopenings, linked to the demo customers (and their calls,
when there are any).

An order's past is written as it would have happened over the last days: each step of its
path is checked against the state table (:data:`app.tickets.states.TRANSITIONS`) and
recorded as the history entries :func:`app.tickets.states.apply` writes, with the time it
took place, so the pages, the queue and the reports show a believable centre. Running it
twice adds nothing the second time: an order is known by its subject."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from app.auth.models import Department, User
from app.calls.models import CallRecord
from app.customers.models import Customer, CustomerPhone
from app.customers.phones import national_digits
from app.extensions import db
from app.tickets.demo_orders import CATEGORIES, ORDERS, DemoOrder
from app.tickets.models import (
    ASSIGNMENT,
    COMMENT,
    FIELD,
    STATE,
    TicketCategory,
    TicketEntry,
    TicketPause,
    WorkOrder,
)
from app.tickets.numbering import next_number
from app.tickets.states import OPEN_STATES, TRANSITIONS
from app.timeutil import utcnow

#: Who takes each step (the demo staff of :mod:`app.auth.demo`).
ACTORS = {"register": "agent", "assign": "agent", "merge": "teamlead", "reopen": "teamlead",
          "feedback": "agent", "close": "qa", "note": "backoffice", "public_note": "agent"}
BACK_OFFICE = "backoffice"
#: Time between two steps of an order's past.
STEP = timedelta(hours=3)
DEFAULT_DUE = timedelta(days=3)


def load() -> dict[str, int]:
    """Adds the categories and orders that are missing (the departments and staff come
    from the auth room's demo, loaded before)."""
    counts = {"ticket categories": _categories()}
    known = set(db.session.scalars(select(WorkOrder.subject)))
    builder = _Builder()
    added = 0
    for spec in ORDERS:
        if spec.subject not in known and builder.has_departments(spec):
            builder.build(spec)
            known.add(spec.subject)
            added += 1
    db.session.commit()
    counts["work orders"] = added
    return counts


def _categories() -> int:
    added = 0
    for type_code, tops in CATEGORIES.items():
        for top_weight, (top, subs) in enumerate(tops, start=1):
            parent, new = _category(type_code, None, top, top_weight * 10)
            added += new
            for weight, sub in enumerate(subs, start=1):
                added += _category(type_code, parent.id, sub, weight * 10)[1]
    return added


def _category(type_code: str, parent_id: int | None, name: str, weight: int) -> tuple[TicketCategory, int]:
    found = db.session.scalar(select(TicketCategory).where(
        TicketCategory.type_code == type_code, TicketCategory.name == name,
        TicketCategory.parent_id.is_(None) if parent_id is None else TicketCategory.parent_id == parent_id))
    if found is not None:
        return found, 0
    found = TicketCategory(type_code=type_code, parent_id=parent_id, name=name, weight=weight)
    db.session.add(found)
    db.session.flush()
    return found, 1


class _Builder:
    """Writes one demo order and its past; keeps the lookups the orders share."""

    def __init__(self) -> None:
        self.now = utcnow()
        self.users = {u.username: u for u in db.session.scalars(select(User))}
        self.departments = {d.code: d for d in db.session.scalars(select(Department))}

    def has_departments(self, spec: DemoOrder) -> bool:
        """Whether the departments the order goes through exist (a site may have renamed them)."""
        return all(code in self.departments for code in (spec.department, spec.transfer_to) if code)

    def build(self, spec: DemoOrder) -> WorkOrder:
        created = self.now - timedelta(days=spec.days_ago)
        customer = self._customer(spec.phone)
        registrar = self.users.get(ACTORS["register"])
        order = WorkOrder(number=next_number(created), type_code=spec.type_code,
                          category_id=self._category_id(spec), channel=spec.channel, priority=spec.priority,
                          state="new", subject=spec.subject, description=spec.description,
                          customer_id=customer.id if customer else None,
                          call_id=self._call_id(spec.phone, created),
                          created_by_id=registrar.id if registrar else None, created_at=created,
                          updated_by=ACTORS["register"], updated_at=created)
        db.session.add(order)
        db.session.flush()
        self._entry(order, created, ACTORS["register"], STATE, "register", old="", new="new", text=spec.subject)
        at = created
        for action in spec.path:
            at = min(at + STEP, self.now - timedelta(minutes=5))
            self._step(order, spec, action, at)
        order.updated_at = at
        order.due_at = self._due(order, spec, created)
        db.session.flush()
        return order

    def _due(self, order: WorkOrder, spec: DemoOrder, created: datetime) -> datetime:
        """The deadline: as the order says; else three days after registering, and for an
        order still open at least half a day from now (only the ones meant to be are overdue)."""
        if spec.due_hours is not None:
            return self.now + timedelta(hours=spec.due_hours)
        if order.state in OPEN_STATES:
            return max(created + DEFAULT_DUE, self.now + timedelta(hours=12))
        return created + DEFAULT_DUE

    def _step(self, order: WorkOrder, spec: DemoOrder, action: str, at: datetime) -> None:
        if action in ("note", "public_note"):
            self._entry(order, at, ACTORS[action], COMMENT, "note", text=spec.note or spec.reason,
                        public=action == "public_note")
            return
        transition = TRANSITIONS[action]
        if order.state not in transition.sources:
            raise ValueError(f"demo order {spec.subject!r}: {action} is not possible from {order.state}")
        actor = ACTORS.get(action, BACK_OFFICE)
        text = ""
        if action in ("assign", "transfer"):
            code = spec.transfer_to if action == "transfer" else spec.department
            self._set(order, at, actor, "department_id", self.departments[code].id, ASSIGNMENT)
            if action == "transfer":
                self._set(order, at, actor, "assignee_id", None, ASSIGNMENT)
                text = spec.reason
        elif action == "accept":
            person = self.users.get(BACK_OFFICE)
            if order.assignee_id is None and person is not None and person.department_id == order.department_id:
                self._set(order, at, actor, "assignee_id", person.id, ASSIGNMENT)
        elif action in ("reject", "wait", "reopen"):
            text = spec.reason
            if action == "wait":
                db.session.add(TicketPause(order_id=order.id, started_at=at))
            if action == "reopen":
                order.closed_at = None
        elif action == "resolve":
            self._set(order, at, actor, "result", spec.result)
            text = spec.result
        elif action == "feedback":
            self._set(order, at, actor, "feedback", spec.feedback)
            if spec.satisfaction:
                self._set(order, at, actor, "satisfaction", spec.satisfaction)
            text = spec.feedback
        elif action == "close":
            order.closed_at = at
        elif action == "merge":
            target = db.session.scalar(select(WorkOrder).where(WorkOrder.subject == spec.merge_into))
            self._set(order, at, actor, "merged_into_id", target.id)
            self._entry(target, at, actor, COMMENT, "merged",
                        text=_("Work order %(number)s was merged into this one.", number=order.number))
        before, order.state = order.state, transition.target or order.state
        self._entry(order, at, actor, STATE, action, old=before, new=order.state, text=text)

    def _set(self, order: WorkOrder, at: datetime, actor: str, field: str, value: Any, kind: str = FIELD) -> None:
        old = getattr(order, field)
        setattr(order, field, value)
        self._entry(order, at, actor, kind, "", field=field, old="" if old is None else str(old),
                    new="" if value is None else str(value))

    def _entry(self, order: WorkOrder, at: datetime, actor: str, kind: str, action: str, **what: Any) -> None:
        db.session.add(TicketEntry(order_id=order.id, at=at, actor=actor, kind=kind, action=action, **what))

    def _customer(self, phone: str) -> Customer | None:
        if not phone:
            return None
        return db.session.scalar(select(Customer).join(CustomerPhone).where(
            CustomerPhone.digits == national_digits(phone)).limit(1))

    def _call_id(self, phone: str, before: datetime) -> int | None:
        if not phone:
            return None
        return db.session.scalar(select(CallRecord.id).where(
            CallRecord.caller == phone, CallRecord.started_at <= before)
            .order_by(CallRecord.started_at.desc()).limit(1))

    def _category_id(self, spec: DemoOrder) -> int | None:
        top, sub = spec.category
        parent = db.session.scalar(select(TicketCategory).where(
            TicketCategory.type_code == spec.type_code, TicketCategory.name == top,
            TicketCategory.parent_id.is_(None)))
        if parent is None:
            return None
        return db.session.scalar(select(TicketCategory.id).where(TicketCategory.parent_id == parent.id,
                                                                 TicketCategory.name == sub))
