"""Escalating overdue orders: the worker's job.

Level 1, as soon as an order is overdue: the team leads and the head of the order's
department — its active users with the role team leader or manager — are told. An order
still at the desk (no department yet) goes to the department of the agent who registered
it. Level 2, when the order is still overdue ``TICKET_ESCALATE_AGAIN_HOURS`` working hours
after level 1: the centre's managers (every active manager not already told).

Each level is sent once per order, ever: its ``ticket_escalation`` row is inserted and
committed, together with the entry in the order's history, before anyone is told, and the
unique (order, level) pair makes a second run at the same moment fail that insert and send
nothing. A person is told by SMS to their mobile number and by e-mail to their address,
when their account has them (``app.notify`` logs and retries each message); the order's
history says who was told either way. Orders waiting for the customer, answered, closed or
merged are not escalated."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.auth.models import User, UserRole
from app.calendars.schedule import Schedule
from app.calendars.working_time import add_working_time
from app.extensions import db
from app.notify.sending import send
from app.tickets.deadlines import RUNNING, order_calendar
from app.tickets.models import ESCALATION, TicketEntry, TicketEscalation, WorkOrder
from app.timeutil import local, utcnow

log = logging.getLogger("postline.tickets")

FIRST, SECOND = 1, 2
#: Orders looked at per run, so that a backlog does not make one endless run.
BATCH = 500


def escalate_overdue(now: datetime | None = None) -> int:
    """Send every escalation level that has come due; how many were sent."""
    now = now or utcnow()
    schedule = order_calendar()
    again = timedelta(hours=float(current_app.config["TICKET_ESCALATE_AGAIN_HOURS"]))
    ids = list(db.session.scalars(select(WorkOrder.id).where(
        WorkOrder.state.in_(RUNNING), WorkOrder.due_at.is_not(None), WorkOrder.due_at <= now)
        .order_by(WorkOrder.due_at).limit(BATCH)))
    db.session.commit()
    sent = 0
    for order_id in ids:
        level = due_level(order_id, schedule, again, now)
        if level and escalate(db.session.get(WorkOrder, order_id), level, now):
            sent += 1
    return sent


def escalate_overdue_job() -> None:
    """The worker's job (it runs in an app context)."""
    sent = escalate_overdue()
    if sent:
        log.info("escalated %d overdue work order(s)", sent)


def due_level(order_id: int, schedule: Schedule, again: timedelta, now: datetime) -> int | None:
    """The level to send now for an overdue order, or ``None`` (all sent, or not yet)."""
    sent = dict(db.session.execute(select(TicketEscalation.level, TicketEscalation.at)
                                   .where(TicketEscalation.order_id == order_id)).all())
    if FIRST not in sent:
        return FIRST
    if SECOND not in sent and now >= add_working_time(schedule, sent[FIRST], again):
        return SECOND
    return None


def escalate(order: WorkOrder, level: int, now: datetime) -> bool:
    """Record level ``level`` of ``order`` and tell its people; ``False`` when another run
    recorded it first (nothing is sent then)."""
    people = recipients(order, level)
    names = ", ".join(person.display_name or person.username for person in people) or _("nobody")
    text = message_text(order, level)
    db.session.add(TicketEscalation(order_id=order.id, level=level, at=now,
                                    notified=",".join(person.username for person in people)))
    db.session.add(TicketEntry(order_id=order.id, at=now, actor="", kind=ESCALATION,
                               action=f"escalate{level}", new=str(level),
                               text=_("Overdue: escalated (level %(level)d) to %(names)s.",
                                      level=level, names=names)))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        log.info("work order %s level %d was escalated by another run", order.number, level)
        return False
    for person in people:
        tell(person, order, text)
    return True


def recipients(order: WorkOrder, level: int) -> list[User]:
    """Who is told at ``level`` (see the module's docstring), by username."""
    if level == FIRST:
        department = order.department_id or (order.created_by.department_id if order.created_by else None)
        if department is None:
            return []
        return _with_roles({"teamlead", "manager"}, User.department_id == department)
    told = set(db.session.scalars(select(TicketEscalation.notified).where(
        TicketEscalation.order_id == order.id, TicketEscalation.level < level)))
    already = {name for row in told for name in row.split(",") if name}
    return [user for user in _with_roles({"manager"}) if user.username not in already]


def _with_roles(roles: set[str], *where: object) -> list[User]:
    return list(db.session.scalars(
        select(User).where(User.active.is_(True), *where,
                           User.id.in_(select(UserRole.user_id).where(UserRole.role.in_(roles))))
        .order_by(User.username)))


def message_text(order: WorkOrder, level: int) -> str:
    due = local(order.due_at)
    return _("Work order %(number)s (%(subject)s) is overdue since %(due)s; escalation level %(level)d. "
             "Please see that it is answered.", number=order.number, subject=order.subject[:40],
             due=due.strftime("%Y-%m-%d %H:%M") if due else "—", level=level)


def tell(person: User, order: WorkOrder, text: str) -> None:
    """An SMS and an e-mail to ``person``, each when their account has the address."""
    about = ("ticket", order.id)
    if person.phone:
        send("sms", person.phone, text, about=about)
    if person.email:
        send("email", person.email, text, about=about,
             title=_("Work order %(number)s is overdue", number=order.number))
