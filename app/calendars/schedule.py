"""Which hours a calendar keeps on a given date, with every rule in one place:

1. the site's own special day (:class:`~app.calendars.models.CalendarDay`) wins — a closure,
   a shortened day, an extra working day;
2. else, when the calendar follows the statutory calendar: a statutory holiday is closed, and
   a make-up working day (调休, e.g. the Saturday before the Spring Festival) keeps the
   calendar's *normal weekday hours* — those of the first day Monday to Friday that has any
   (a 调休 day is worked as an ordinary weekday, whatever the weekend's own hours are);
3. else the weekday's hours (an around-the-clock calendar: the whole day).

A :class:`Schedule` is a calendar read once (week, special days, flag, zone), so that a list
of work orders or a long deadline asks the database once, not once per day."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select

from app.calendars import hours
from app.calendars.models import BusinessCalendar, CalendarDay
from app.calendars.statutory import statutory_day
from app.extensions import db

ALL_DAY: hours.Ranges = [(time(0), None)]
WORKWEEK = hours.WEEKDAYS[:5]


def workday_hours(week: Mapping[str, hours.Ranges] | None) -> hours.Ranges:
    """The hours of a 调休 working day: the first weekday (Mon-Fri) that has hours; a week
    closed Monday to Friday falls back to Monday's (closed)."""
    if week is None:
        return ALL_DAY
    return next((week[day] for day in WORKWEEK if week[day]), week["mon"])


def hours_on(week: Mapping[str, hours.Ranges] | None, special: hours.Ranges | None,
             statutory: bool, day: date) -> hours.Ranges:
    """The ranges ``day`` is open (local time) by the rules above; ``special`` is the site's
    special day for that date, ``None`` when it has none."""
    if special is not None:
        return special
    if statutory:
        marked = statutory_day(day)
        if marked is not None and marked.kind == "holiday":
            return []
        if marked is not None:
            return workday_hours(week)
    return ALL_DAY if week is None else week[hours.WEEKDAYS[day.weekday()]]


def covers(ranges: hours.Ranges, moment: time) -> bool:
    return any(start <= moment and (stop is None or moment < stop) for start, stop in ranges)


@dataclass(frozen=True)
class Schedule:
    """A calendar as the working-time arithmetic reads it. ``week`` ``None`` is open around
    the clock; ``zone`` is the centre's (the hours are local time there)."""

    week: Mapping[str, hours.Ranges] | None = None
    special: Mapping[date, hours.Ranges] = field(default_factory=dict)
    statutory: bool = False
    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Shanghai"))
    #: Each date's intervals once worked out: a page of orders walks the same weeks for
    #: every order (a schedule lives for one request or one job run, so it is never stale).
    _days: dict[date, list[tuple[datetime, datetime]]] = field(default_factory=dict, compare=False,
                                                                 repr=False)

    @property
    def around_the_clock(self) -> bool:
        """Open every minute of every day: working time is plain elapsed time."""
        return self.week is None and not self.special and not self.statutory

    def hours_on(self, day: date) -> hours.Ranges:
        return hours_on(self.week, self.special.get(day), self.statutory, day)

    def intervals_on(self, day: date) -> list[tuple[datetime, datetime]]:
        """That date's open intervals as naive UTC (what the database stores)."""
        found = self._days.get(day)
        if found is None:
            found = self._days[day] = [(self.to_utc(day, start), self.to_utc(day, stop))
                                       for start, stop in self.hours_on(day)]
        return found

    def to_utc(self, day: date, clock: time | None) -> datetime:
        """Local ``day`` at ``clock`` (``None``: 24:00, the next midnight) as naive UTC."""
        local = datetime.combine(day + timedelta(days=1), time(0)) if clock is None \
            else datetime.combine(day, clock)
        return local.replace(tzinfo=self.zone).astimezone(timezone.utc).replace(tzinfo=None)

    def local_date(self, moment_utc: datetime) -> date:
        return moment_utc.replace(tzinfo=timezone.utc).astimezone(self.zone).date()


CalendarLike = BusinessCalendar | Schedule | int | None


def load(calendar: CalendarLike) -> Schedule:
    """A calendar (the row, its id, or an already loaded schedule) read once. No calendar,
    or an id that is gone: around the clock, as the IVR treats it."""
    if isinstance(calendar, Schedule):
        return calendar
    zone = ZoneInfo(current_app.config["TIMEZONE"])
    row = db.session.get(BusinessCalendar, calendar) if isinstance(calendar, int) else calendar
    if row is None:
        return Schedule(zone=zone)
    special = {day: hours.parse_ranges(text) for day, text in db.session.execute(
        select(CalendarDay.day, CalendarDay.hours).where(CalendarDay.calendar_id == row.id)).all()}
    return Schedule(week=hours.parse_week(row.hours or "{}"), special=special,
                    statutory=bool(row.statutory), zone=zone)
