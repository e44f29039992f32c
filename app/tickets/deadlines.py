"""When an order is due, and how its clock stands now.

An order is allowed the working hours of its type and priority (:mod:`app.tickets.sla`),
counted on the work orders' business calendar (setting ``TICKET_CALENDAR``, a calendar of
the calendars room, with its special days and, when it follows them, China's statutory
holidays and 调休 days). The clock runs from registration until the department writes its
result; time spent waiting for the customer (``ticket_pause``) does not count.

- Resume after waiting: the deadline moves by the working time the pause took.
- Transfer (and the first assignment): the clock does not restart. The customer has waited
  since they called, whichever department answers; the new department sees the order's
  real deadline, and an order transferred late may be overdue at once.
- Reopen: the customer called back, so a new full period starts at the reopening; pauses
  before it no longer matter.

The calendar is read once per use (:func:`order_calendar`), so a list of orders walks one
loaded schedule rather than asking the database per row."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select

from app.calendars import hours
from app.calendars.models import BusinessCalendar
from app.calendars.schedule import Schedule, load
from app.calendars.working_time import Interval, NoWorkingTime, add_working_time, working_time_between
from app.extensions import db
from app.tickets.models import STATE, TicketEntry, TicketPause, WorkOrder
from app.tickets.sla import allowed_hours, configured
from app.timeutil import utcnow

log = logging.getLogger(__name__)

#: The week counted while the site has no calendar named ``TICKET_CALENDAR``: office hours,
#: Monday to Friday, China's statutory holidays and 调休 days applied.
DEFAULT_WEEK = {day: "08:30-12:00,13:30-17:30" for day in hours.WEEKDAYS[:5]}
#: States in which the clock runs: the department (or the desk) still owes the answer.
RUNNING = frozenset({"new", "assigned", "processing", "returned"})
#: Waiting for the customer: the clock stands still.
PAUSED = "pending"

OVERDUE, SOON, WAITING, ON_TIME = "overdue", "soon", "paused", "on_time"


def order_calendar() -> Schedule:
    """The work orders' calendar, loaded once: the one named ``TICKET_CALENDAR``, or the
    default office week with the statutory calendar while there is none."""
    row = find_calendar()
    if row is not None:
        return load(row)
    return Schedule(week=hours.parse_week(DEFAULT_WEEK), statutory=True,
                    zone=ZoneInfo(current_app.config["TIMEZONE"]))


def find_calendar() -> BusinessCalendar | None:
    name = str(current_app.config["TICKET_CALENDAR"] or "")
    return db.session.scalar(select(BusinessCalendar).where(BusinessCalendar.name == name)
                             .order_by(BusinessCalendar.id).limit(1)) if name else None


def deadline_for(order: WorkOrder, schedule: Schedule | None = None) -> datetime | None:
    """When ``order`` is due (naive UTC): its allowed working hours after its clock started
    (registration, or the last reopening), pauses not counted. Called when it is registered
    and whenever its clock may have moved (assigned, resumed, reopened, transferred).
    ``None`` when the calendar never opens: an order without a deadline rather than a
    failed registration (the log says why)."""
    start = clock_start(order)
    allowed = timedelta(hours=allowed_hours(order.type_code, order.priority))
    try:
        return add_working_time(schedule or order_calendar(), start, allowed, pauses_of(order, start))
    except NoWorkingTime:
        log.warning("the work orders' calendar %r never opens: order %s has no deadline",
                    current_app.config["TICKET_CALENDAR"], order.number)
        return None


def clock_start(order: WorkOrder) -> datetime:
    """Registration, or the last time the order was reopened."""
    reopened = db.session.scalar(select(TicketEntry.at).where(
        TicketEntry.order_id == order.id, TicketEntry.kind == STATE, TicketEntry.action == "reopen")
        .order_by(TicketEntry.id.desc()).limit(1)) if order.id else None
    return reopened or order.created_at or utcnow()


def pauses_of(order: WorkOrder, since: datetime, now: datetime | None = None) -> list[Interval]:
    """The order's waits for the customer after ``since``; one still running ends ``now``."""
    if order.id is None:
        return []
    now = now or utcnow()
    rows = db.session.scalars(select(TicketPause).where(TicketPause.order_id == order.id)
                              .order_by(TicketPause.id))
    return [(max(p.started_at, since), p.ended_at or now) for p in rows
            if (p.ended_at or now) > since]


@dataclass(frozen=True)
class Clock:
    """How an order's deadline stands: ``status`` one of ``overdue``, ``soon``, ``paused``,
    ``on_time``, or ``""`` when no deadline applies (answered, closed, none set); ``left`` is
    the working time still left (negative: overdue by that much)."""

    status: str
    left: timedelta | None = None

    @property
    def hours_left(self) -> tuple[int, int]:
        """``left`` as whole (hours, minutes), of its absolute value."""
        minutes = int(abs(self.left or timedelta(0)).total_seconds() // 60)
        return divmod(minutes, 60)


class Clocks:
    """Clocks for a page of orders: the calendar and the SLA table read once."""

    def __init__(self, now: datetime | None = None) -> None:
        self.now = now or utcnow()
        self.schedule = order_calendar()
        self.table = configured()
        self.soon_hours = timedelta(hours=float(current_app.config["TICKET_DUE_SOON_HOURS"]))
        self.soon_share = float(current_app.config["TICKET_DUE_SOON_PERCENT"]) / 100

    def of(self, order: WorkOrder) -> Clock:
        if order.due_at is None or (order.state not in RUNNING and order.state != PAUSED):
            return Clock("")
        if order.state == PAUSED:  # what was left when the clock stopped
            stopped = db.session.scalar(select(TicketPause.started_at).where(
                TicketPause.order_id == order.id, TicketPause.ended_at.is_(None))
                .order_by(TicketPause.id.desc()).limit(1))
            return Clock(WAITING, working_time_between(self.schedule, stopped or self.now, order.due_at))
        left = working_time_between(self.schedule, self.now, order.due_at)
        if self.now >= order.due_at:
            return Clock(OVERDUE, left)
        allowed = timedelta(hours=allowed_hours(order.type_code, order.priority, self.table))
        if left <= self.soon_hours or left <= allowed * self.soon_share:
            return Clock(SOON, left)
        return Clock(ON_TIME, left)

    def of_all(self, orders: list[WorkOrder]) -> dict[int, Clock]:
        return {order.id: self.of(order) for order in orders}
