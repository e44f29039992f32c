"""Working time on a business calendar: when a deadline of "48 working hours" falls, and how
much working time lies between two moments — skipping nights, weekends, holidays and any
pauses (a work order waiting for the customer does not use up its time).

Every moment in and out is naive UTC, as stored; the calendar's hours are read in the
centre's zone (``TIMEZONE``). The walk goes day by day over the open intervals, never minute
by minute, so that 30 working days cost about 45 steps. A calendar that is open around the
clock (no weekly hours, no special days, not statutory) is plain elapsed time minus pauses.

The rules for which hours a date keeps (special days, statutory holidays, 调休) are in
:mod:`app.calendars.schedule`; pass a loaded :class:`~app.calendars.schedule.Schedule`
(``schedule.load(calendar)``) when computing many deadlines on one calendar."""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta, timezone

from app.calendars.schedule import CalendarLike, Schedule, load

Interval = tuple[datetime, datetime]

#: A calendar with no open day in this many days in a row has no working time at all.
MAX_CLOSED_DAYS = 3660
_FOREVER = datetime(9000, 1, 1)

__all__ = ["NoWorkingTime", "add_working_days", "add_working_time", "working_time_between"]


class NoWorkingTime(ValueError):
    """The calendar is closed for good (e.g. every weekday empty): no deadline can fall."""


def add_working_time(calendar: CalendarLike, start: datetime, duration: timedelta,
                     pauses: Iterable[Interval] = ()) -> datetime:
    """The moment (naive UTC) when ``duration`` of working time has passed after ``start``.
    A deadline that uses up a day's last minute falls at its closing time, not at the next
    opening. Raises :class:`NoWorkingTime` for a calendar that never opens."""
    if duration < timedelta(0):
        raise ValueError("a working time to add cannot be negative")
    start = _utc(start)
    remaining = duration
    if not remaining:
        return start
    for begin, end in _open(load(calendar), start, pauses):
        if end - begin >= remaining:
            return begin + remaining
        remaining -= end - begin
    raise NoWorkingTime("the calendar has no working time left")  # pragma: no cover


def working_time_between(calendar: CalendarLike, start: datetime, end: datetime,
                         pauses: Iterable[Interval] = ()) -> timedelta:
    """The working time from ``start`` to ``end`` (negative when ``end`` is earlier), pauses
    not counted: what a work order has used of its time so far."""
    start, end = _utc(start), _utc(end)
    if end < start:
        return -working_time_between(calendar, end, start, pauses)
    total = timedelta(0)
    for begin, stop in _open(load(calendar), start, pauses, until=end):
        if begin >= end:
            break
        total += min(stop, end) - begin
    return total


def add_working_days(calendar: CalendarLike, start: datetime, days: int) -> datetime:
    """The close (naive UTC) of the ``days``-th working day after the date of ``start``
    ("answer within 3 working days"): the day the order arrives on does not count, whatever
    the hour; a working day is a date with any open hours. ``days`` 0: ``start`` itself."""
    if days < 0:
        raise ValueError("working days to add cannot be negative")
    start = _utc(start)
    if days == 0:
        return start
    schedule = load(calendar)
    day, counted, closed = schedule.local_date(start), 0, 0
    while True:
        day += timedelta(days=1)
        intervals = schedule.intervals_on(day)
        if not intervals:
            closed += 1
            if closed > MAX_CLOSED_DAYS:
                raise NoWorkingTime("the calendar has no working days")
            continue
        closed, counted = 0, counted + 1
        if counted == days:
            return intervals[-1][1]


def _utc(moment: datetime) -> datetime:
    """An aware moment as naive UTC; a naive one is UTC already."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def _open(schedule: Schedule, start: datetime, pauses: Iterable[Interval],
          until: datetime | None = None) -> Iterator[Interval]:
    """The open intervals from ``start`` on, in order, with the pauses cut out."""
    cuts = _merged(pauses)
    for begin, end in _intervals(schedule, start, until):
        yield from _without(begin, end, cuts)


def _intervals(schedule: Schedule, start: datetime, until: datetime | None) -> Iterator[Interval]:
    if schedule.around_the_clock:
        yield start, _FOREVER
        return
    day, closed = schedule.local_date(start) - timedelta(days=1), 0  # a range may start the day before in UTC
    last_day = schedule.local_date(until) if until is not None else None  # its intervals reach ``until``
    while True:
        intervals = schedule.intervals_on(day)
        closed = closed + 1 if not intervals else 0
        if closed > MAX_CLOSED_DAYS:
            raise NoWorkingTime("the calendar has no working time")
        for begin, end in intervals:
            if end > start:
                yield max(begin, start), end
        if last_day is not None and day >= last_day:
            return
        day += timedelta(days=1)


def _merged(pauses: Iterable[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for begin, end in sorted((_utc(b), _utc(e)) for b, e in pauses):
        if end <= begin:
            continue
        if merged and begin <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((begin, end))
    return merged


def _without(begin: datetime, end: datetime, cuts: list[Interval]) -> Iterator[Interval]:
    for cut_begin, cut_end in cuts:
        if cut_end <= begin or cut_begin >= end:
            continue
        if cut_begin > begin:
            yield begin, cut_begin
        begin = max(begin, cut_end)
        if begin >= end:
            return
    yield begin, end
