"""Working hours as people write them in a form: ``"08:00-12:00,13:30-17:30"``; ``24:00``
ends a day. A calendar's week is JSON ``{"mon": "...", ..., "sun": "..."}``: a day missing
or empty is closed, and an empty mapping means open around the clock. A special day's hours
replace its weekday's (empty: closed all day). Pure functions, no database."""
from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import datetime, time

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
RANGE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")

Ranges = list[tuple[time, time | None]]  # None: until midnight ("24:00")


class HoursError(ValueError):
    """Hours that cannot be read; the message quotes them."""


def _clock(hour: str, minute: str, text: str, end: bool) -> time | None:
    h, m = int(hour), int(minute)
    if end and (h, m) == (24, 0):
        return None
    if h > 23 or m > 59:
        raise HoursError(f"not a time of day in {text!r}")
    return time(h, m)


def parse_ranges(text: str) -> Ranges:
    """``"08:00-12:00,13:30-17:30"`` → ranges; "" → [] (closed)."""
    ranges: Ranges = []
    for part in filter(None, (p.strip() for p in (text or "").split(","))):
        match = RANGE.match(part)
        if not match:
            raise HoursError(f"{part!r} is not HH:MM-HH:MM")
        start = _clock(match[1], match[2], part, end=False)
        stop = _clock(match[3], match[4], part, end=True)
        if start is None or (stop is not None and stop <= start):
            raise HoursError(f"{part!r} ends before it starts")
        ranges.append((start, stop))
    return ranges


def parse_week(value: str | Mapping[str, str] | None) -> dict[str, Ranges] | None:
    """The line's weekly hours; ``None`` means open around the clock."""
    if isinstance(value, str):
        try:
            value = json.loads(value or "{}")
        except ValueError as exc:
            raise HoursError(f"opening hours are not JSON: {exc}") from exc
    if not value:
        return None
    if not isinstance(value, Mapping):
        raise HoursError("opening hours must map weekdays (mon..sun) to hours")
    unknown = set(value) - set(WEEKDAYS)
    if unknown:
        raise HoursError(f"unknown weekday(s) {sorted(unknown)}; use {', '.join(WEEKDAYS)}")
    return {day: parse_ranges(value.get(day, "")) for day in WEEKDAYS}


def is_open(week: str | Mapping[str, str] | None, holiday_hours: str | None,
            when: datetime) -> bool:
    """Whether a line is open at local time ``when``; ``holiday_hours`` is the holiday row's
    hours for that date, or ``None`` when the date is no holiday."""
    if holiday_hours is not None:
        ranges = parse_ranges(holiday_hours)
    else:
        weekly = parse_week(week)
        if weekly is None:
            return True
        ranges = weekly[WEEKDAYS[when.weekday()]]
    now = when.time().replace(tzinfo=None)
    return any(start <= now and (stop is None or now < stop) for start, stop in ranges)


def _clock_text(value: time | None) -> str:
    return "24:00" if value is None else value.strftime("%H:%M")


def normalise(text: str) -> str:
    """Hours as :func:`parse_ranges` reads them, written tidily (``8:00 - 12:00`` →
    ``08:00-12:00``); raises :class:`HoursError`."""
    return ",".join(f"{_clock_text(start)}-{_clock_text(stop)}" for start, stop in parse_ranges(text))


def week_text(value: str | None) -> dict[str, str] | None:
    """A stored week as text per weekday (every weekday present); ``None``: open around the
    clock. Raises :class:`HoursError` when the stored value cannot be read."""
    if parse_week(value or "{}") is None:
        return None
    stored = json.loads(value or "{}")
    return {day: str(stored.get(day) or "") for day in WEEKDAYS}
