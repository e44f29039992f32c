"""``postline calendars``: what an administrator needs to check a calendar before deadlines
are counted on it — its days and hours over a span (``show``), and whether it follows
China's statutory holidays and 调休 days (``statutory NAME on|off``). A calendar's week and
special days are still edited on the page of what uses it (a hotline's line page)."""
from __future__ import annotations

from datetime import date, timedelta

import click
from flask.cli import AppGroup
from sqlalchemy import select

from app.audit.acting import as_cli_user
from app.calendars import hours, schedule, statutory
from app.calendars.models import BusinessCalendar, CalendarDay
from app.extensions import db
from app.timeutil import local, utcnow

#: ``show`` lists at most this many days (a year and a day).
MAX_DAYS = 366
DEFAULT_DAYS = 14


@click.group("calendars", cls=AppGroup)
def calendars_group() -> None:
    """Business calendars: working hours, holidays and 调休 days."""


@calendars_group.command("list")
@as_cli_user
def calendars_list() -> None:
    """List calendars: id, name, statutory or not."""
    for row in db.session.scalars(select(BusinessCalendar).order_by(BusinessCalendar.id)):
        flag = "statutory" if row.statutory else "own-days-only"
        week = "around-the-clock" if hours.parse_week(row.hours or "{}") is None else "weekly-hours"
        click.echo(f"{row.id}\t{row.name}\t{flag}\t{week}")


@calendars_group.command("show")
@click.argument("name")
@click.option("--from", "first", default=None, metavar="YYYY-MM-DD", help="First day (default: today).")
@click.option("--to", "last", default=None, metavar="YYYY-MM-DD",
              help=f"Last day (default: {DEFAULT_DAYS} days from the first).")
@as_cli_user
def calendars_show(name: str, first: str | None, last: str | None) -> None:
    """The days from --from to --to of calendar NAME (or its id): hours, and why."""
    calendar = _calendar(name)
    start = _date(first, "--from") if first else _today()
    end = _date(last, "--to") if last else start + timedelta(days=DEFAULT_DAYS - 1)
    if end < start:
        raise ValueError("--to is before --from")
    if (end - start).days >= MAX_DAYS:
        raise ValueError(f"at most {MAX_DAYS} days at a time")
    loaded = schedule.load(calendar)
    names = dict(db.session.execute(select(CalendarDay.day, CalendarDay.name)
                                    .where(CalendarDay.calendar_id == calendar.id)).all())
    for year in sorted({start.year, end.year}):
        if calendar.statutory and not statutory.is_covered(year):
            click.echo(f"note: no statutory data for {year} in chinesecalendar: weekly hours only")
    day = start
    while day <= end:
        text = ",".join(f"{a.strftime('%H:%M')}-{'24:00' if b is None else b.strftime('%H:%M')}"
                        for a, b in loaded.hours_on(day)) or "closed"
        click.echo(f"{day.isoformat()}\t{hours.WEEKDAYS[day.weekday()]}\t{text}\t{_why(loaded, names, day)}")
        day += timedelta(days=1)


@calendars_group.command("statutory")
@click.argument("name")
@click.argument("state", type=click.Choice(["on", "off"]))
@as_cli_user
def calendars_statutory(name: str, state: str) -> None:
    """Make calendar NAME follow China's statutory holidays and 调休 days (on) or not (off)."""
    calendar = _calendar(name)
    calendar.statutory = state == "on"
    db.session.commit()
    click.echo(f"calendar {calendar.id} {calendar.name}: statutory {state}")


def _why(loaded: schedule.Schedule, names: dict[date, str], day: date) -> str:
    if day in loaded.special:
        return f"site day {names.get(day) or ''}".strip()
    marked = statutory.statutory_day(day) if loaded.statutory else None
    if marked is not None:
        return f"statutory {'holiday' if marked.kind == 'holiday' else 'working day (调休)'} {marked.name}"
    return "weekly hours"


def _today() -> date:
    now = local(utcnow())
    assert now is not None
    return now.date()


def _calendar(name: str) -> BusinessCalendar:
    """A calendar by its name, or by its id when ``name`` is a number."""
    if name.isdigit():
        found = db.session.get(BusinessCalendar, int(name))
        if found is not None:
            return found
    rows = db.session.scalars(select(BusinessCalendar).where(BusinessCalendar.name == name)).all()
    if not rows:
        raise LookupError(f"no calendar {name!r} (postline calendars list shows them)")
    if len(rows) > 1:
        raise LookupError(f"{len(rows)} calendars are named {name!r}: give the id instead")
    return rows[0]


def _date(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"{option} {text!r} is not a date (YYYY-MM-DD)") from None
