"""How many working hours an order is allowed, by its type and priority (the SLA table).

The code holds a default for every type and priority, so that a site nobody configured
still has deadlines; the ``ticket_sla`` table holds what the site changed on the deadlines
page. A type's normal priority is the base; the other priorities scale it (an urgent
complaint gets a quarter of a normal one's 48 hours). A plugin's type starts from
:data:`PLUGIN_TYPE_HOURS`."""
from __future__ import annotations

import math

from sqlalchemy import select

from app.extensions import db
from app.tickets.kinds import PRIORITIES
from app.tickets.models import TicketSla

#: Working hours at normal priority per core type: a complaint is answered within 48
#: working hours, a suggestion within 80 (ten days of eight hours), the rest within 24.
BASE_HOURS = {"consult": 24, "query": 24, "complaint": 48, "suggestion": 80, "service": 24}
PLUGIN_TYPE_HOURS = 24
#: What each priority makes of the normal priority's hours.
PRIORITY_FACTOR = {"low": 1.5, "normal": 1.0, "high": 0.5, "urgent": 0.25}
#: The most hours a form may set (a year of eight-hour days, about).
MAX_HOURS = 2000


def default_hours(type_code: str, priority: str) -> int:
    """The code's working hours for a type and priority, whole hours, at least one."""
    base = BASE_HOURS.get(type_code, PLUGIN_TYPE_HOURS)
    return max(1, math.ceil(base * PRIORITY_FACTOR.get(priority, 1.0)))


def configured() -> dict[tuple[str, str], int]:
    """The site's own hours, by (type, priority): the rows of the table."""
    return {(row.type_code, row.priority): row.hours for row in db.session.scalars(select(TicketSla))}


def allowed_hours(type_code: str, priority: str, table: dict[tuple[str, str], int] | None = None) -> int:
    """The working hours an order of ``type_code`` and ``priority`` is allowed: the site's
    row, else the default. Pass ``table`` (:func:`configured`) when asking for many orders."""
    rows = configured() if table is None else table
    return rows.get((type_code, priority)) or default_hours(type_code, priority)


def save(type_code: str, priority: str, hours: int | None) -> None:
    """Set the hours of a pair; ``None`` goes back to the default (the row is removed, the
    audit log keeps what it was)."""
    if priority not in PRIORITIES:
        raise ValueError(f"unknown priority {priority!r}")
    row = db.session.scalar(select(TicketSla).where(TicketSla.type_code == type_code,
                                                    TicketSla.priority == priority))
    if hours is None or hours == default_hours(type_code, priority):
        if row is not None:
            db.session.delete(row)
        return
    if row is None:
        db.session.add(TicketSla(type_code=type_code, priority=priority, hours=hours))
    elif row.hours != hours:
        row.hours = hours
