"""Numbers a person can read out on the phone: ``20261123-00042``, the centre's local date
and the order's place in that day.

The day's counter is raised by one upsert statement (``INSERT … ON CONFLICT DO UPDATE …
RETURNING``): on PostgreSQL a second registration waits for the first one's row lock, on
SQLite for its write transaction. The counter belongs to the registering transaction, so a
registration that fails gives its number back and the committed numbers have no gaps."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.dialects import postgresql, sqlite

from app.extensions import db
from app.tickets.models import TicketDayCounter
from app.timeutil import local, utcnow


def next_number(now: datetime | None = None) -> str:
    day = local(now or utcnow()).date()
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    table = TicketDayCounter.__table__
    statement = (dialect.insert(table).values(day=day, last=1)
                 .on_conflict_do_update(index_elements=[table.c.day], set_={"last": table.c.last + 1})
                 .returning(table.c.last))
    last = db.session.execute(statement).scalar_one()
    return f"{day:%Y%m%d}-{last:05d}"
