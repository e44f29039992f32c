"""Is a calendar open at a moment? The question an IVR time condition asks for its line."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, select

from app.calendars import hours, schedule
from app.calendars.models import BusinessCalendar, CalendarDay
from app.extensions import db


def is_open(calendar_id: int | None, when: datetime) -> bool:
    """Whether the calendar is open at local time ``when``: the day's own hours if the date
    is a special day, else (when the calendar follows it) what the statutory calendar says of
    the date, else its weekday's (:mod:`app.calendars.schedule`). No calendar (or an unknown one): open around the
    clock, so that a line nobody configured never closes."""
    if calendar_id is None:
        return True
    row = db.session.execute(
        select(BusinessCalendar.hours, BusinessCalendar.statutory, CalendarDay.hours)
        .outerjoin(CalendarDay, and_(CalendarDay.calendar_id == BusinessCalendar.id,
                                     CalendarDay.day == when.date()))
        .where(BusinessCalendar.id == calendar_id)
    ).first()
    if row is None:
        return True
    week, statutory, day_hours = row
    if not statutory:
        return hours.is_open(week, day_hours, when)
    special = hours.parse_ranges(day_hours) if day_hours is not None else None
    ranges = schedule.hours_on(hours.parse_week(week or "{}"), special, True, when.date())
    return schedule.covers(ranges, when.time().replace(tzinfo=None))


def week_of(calendar_id: int | None) -> dict[str, hours.Ranges] | None:
    """The calendar's weekly hours by weekday; ``None``: open around the clock (no
    calendar, an unknown one, or an empty week)."""
    if calendar_id is None:
        return None
    stored = db.session.scalar(select(BusinessCalendar.hours).where(BusinessCalendar.id == calendar_id))
    return hours.parse_week(stored or "{}") if stored is not None else None
