"""Times are stored as naive UTC (the same on SQLite and PostgreSQL) and shown in the
centre's timezone."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def local(dt: datetime | None) -> datetime | None:
    """A stored UTC time in the centre's timezone (``TIMEZONE``, Asia/Shanghai by default)."""
    if dt is None:
        return None
    zone = ZoneInfo(current_app.config["TIMEZONE"])
    return dt.replace(tzinfo=timezone.utc).astimezone(zone)


def centre_today() -> date:
    """Today in the centre's timezone (a report's default period, the wallboard's day)."""
    return local(utcnow()).date()  # type: ignore[union-attr]  # never None for a time


class LocalClock:
    """:func:`local` for the many times of an ingest batch or a detail export, as naive
    local times: the centre's offset from UTC is looked up once per UTC quarter-hour (every
    zone's offset is a whole number of quarter-hours) instead of a zone conversion per row,
    and so is the start of the local hour a time falls in (what the roll-ups file under)."""

    def __init__(self) -> None:
        self.zone = ZoneInfo(current_app.config["TIMEZONE"])
        self.offsets: dict[tuple[int, int, int, int, int], timedelta] = {}
        self.hours: dict[tuple[int, int, int, int, int], datetime] = {}

    def __call__(self, dt: datetime) -> datetime:
        quarter = (dt.year, dt.month, dt.day, dt.hour, dt.minute // 15)
        offset = self.offsets.get(quarter)
        if offset is None:
            offset = self.offsets[quarter] = dt.replace(tzinfo=timezone.utc).astimezone(self.zone).utcoffset()
        return dt + offset

    def hour(self, dt: datetime) -> datetime:
        """The start of the centre's hour ``dt`` (naive UTC) falls in, naive local."""
        quarter = (dt.year, dt.month, dt.day, dt.hour, dt.minute // 15)
        start = self.hours.get(quarter)
        if start is None:
            start = self.hours[quarter] = self(dt).replace(minute=0, second=0, microsecond=0)
        return start


def parse_day(text: str) -> date | None:
    """``YYYY-MM-DD`` as a date; ``None`` when it is not one (a filter's message, not a 500)."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def day_start_utc(day: date) -> datetime:
    """The start of ``day`` in the centre's timezone, as the naive UTC the tables store: a
    date filter means the centre's day, not UTC's."""
    zone = ZoneInfo(current_app.config["TIMEZONE"])
    return datetime.combine(day, time.min, tzinfo=zone).astimezone(timezone.utc).replace(tzinfo=None)


def within_days(column: Any, first: date | None, last: date | None) -> list[Any]:
    """Conditions keeping ``column`` (a stored UTC time) within the centre's days ``first``
    to ``last``, both included; a ``None`` end is open. For the pages' date filters."""
    conditions = []
    if first:
        conditions.append(column >= day_start_utc(first))
    if last:
        conditions.append(column < day_start_utc(last + timedelta(days=1)))
    return conditions


def utc_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The stored (naive UTC) times from the start of the centre's day ``start`` to the end
    of its day ``end``: what a report over local days selects (``>= low``, ``< high``)."""
    zone = ZoneInfo(current_app.config["TIMEZONE"])

    def utc(day: date) -> datetime:
        return datetime.combine(day, time.min, tzinfo=zone).astimezone(timezone.utc).replace(tzinfo=None)

    return utc(start), utc(end + timedelta(days=1))
