"""Business calendars: the working hours of a week and the days that differ from it.

A calendar is what an IVR line's time condition asks ("open now?") and what a work order's
deadline will count working time in; several lines (and departments) may share one.

``hours`` is JSON: weekday (``mon`` .. ``sun``) → ``"08:00-12:00,13:30-17:30"``
(:mod:`app.calendars.hours`); a day that is missing or empty is closed; an empty mapping
means open around the clock (a calendar nobody configured must not close a hotline).

``statutory`` makes the calendar follow China's statutory holidays and make-up working days
(调休, :mod:`app.calendars.statutory`); off by default, so that a calendar keeps exactly the
hours and days its administrator entered until someone turns it on. Its own special days
always win over the statutory ones."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from app.audit.models import Audited
from app.extensions import db
from app.timeutil import utcnow


class BusinessCalendar(Audited, db.Model):
    __tablename__ = "calendar"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    hours: Mapped[str] = mapped_column(Text, default="{}")
    statutory: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CalendarDay(Audited, db.Model):
    """A date on which the calendar keeps other hours than its weekday's: ``hours`` empty
    means closed all day (a public holiday), otherwise that day's hours (a shortened day, or
    a weekend made a working day, 调休)."""

    __tablename__ = "calendar_day"
    __table_args__ = (UniqueConstraint("calendar_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    calendar_id: Mapped[int] = mapped_column(ForeignKey("calendar.id"))
    day: Mapped[date] = mapped_column(Date)
    name: Mapped[str] = mapped_column(String(100), default="")
    hours: Mapped[str] = mapped_column(String(100), default="")
