"""The line's two reports: tracking queries per day and channel (IVR, agent, web), and
pickup bookings per district and status.

Days are the centre's days (``TIMEZONE``): a query at 23:30 UTC belongs to the next day in
Shanghai. Rows are grouped in Python after the database selected the range, so the same
code runs on SQLite and PostgreSQL without time-zone functions."""
from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from openpyxl import Workbook
from sqlalchemy import select
from wtforms import DateField
from wtforms.validators import InputRequired, ValidationError

from app import api

from .models import CHANNELS, PICKUP_STATES, EmsPickup, EmsQuery

DEFAULT_DAYS = 30


def today() -> date:
    return api.local(api.utcnow()).date()  # type: ignore[union-attr]  # never None for a time


class PeriodForm(FlaskForm):
    start = DateField(_l("From"), validators=[InputRequired()],
                      default=lambda: today() - timedelta(days=DEFAULT_DAYS - 1))
    end = DateField(_l("To (inclusive)"), validators=[InputRequired()], default=today)

    def validate_end(self, field: DateField) -> None:
        if self.start.data and field.data and field.data < self.start.data:
            raise ValidationError(_l("The end date must not be before the start date."))


def utc_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """Naive UTC from the start of ``start`` to the end of ``end``, in the centre's days."""
    zone = ZoneInfo(current_app.config["TIMEZONE"])

    def utc(day: date) -> datetime:
        return datetime.combine(day, time.min, tzinfo=zone).astimezone(timezone.utc).replace(tzinfo=None)

    return utc(start), utc(end + timedelta(days=1))


def _period(params: dict[str, Any]) -> tuple[date, date]:
    return (params.get("start") or today() - timedelta(days=DEFAULT_DAYS - 1), params.get("end") or today())


def query_counts(start: date, end: date) -> list[tuple[date, dict[str, int], int]]:
    """Per day with queries: (day, {channel: queries}, queries that found nothing)."""
    low, high = utc_bounds(start, end)
    per: Counter[tuple[date, str]] = Counter()
    unfound: Counter[date] = Counter()
    days: set[date] = set()
    stmt = select(EmsQuery.at, EmsQuery.channel, EmsQuery.found).where(EmsQuery.at >= low, EmsQuery.at < high)
    for at, channel, found in api.db.session.execute(stmt):
        day = api.local(at).date()  # type: ignore[union-attr]
        days.add(day)
        per[(day, channel)] += 1
        unfound[day] += int(not found)
    return [(day, {c: per[(day, c)] for c in CHANNELS}, unfound[day]) for day in sorted(days)]


def build_queries(params: dict[str, Any]) -> Workbook:
    start, end = _period(params)
    columns = [api.Column(_("Date"), 12, "yyyy-mm-dd"), api.Column(_("IVR"), 10, "0"),
               api.Column(_("By an agent"), 10, "0"), api.Column(_("Web"), 10, "0"),
               api.Column(_("Total"), 10, "0"), api.Column(_("Not found"), 10, "0")]
    rows = [(day, by["ivr"], by["agent"], by["web"], sum(by.values()), none)
            for day, by, none in query_counts(start, end)]
    return api.table_workbook(_("EMS tracking queries"), columns, rows)


def status_label(status: str) -> str:
    labels = {"booked": _("Booked"), "done": _("Picked up"), "cancelled": _("Cancelled")}
    return labels.get(status, status)


def pickup_counts(start: date, end: date) -> list[tuple[str, dict[str, int]]]:
    """Per district with bookings made in the period: {status: bookings}."""
    low, high = utc_bounds(start, end)
    per: Counter[tuple[str, str]] = Counter()
    districts: set[str] = set()
    stmt = select(EmsPickup.district, EmsPickup.status).where(EmsPickup.created_at >= low,
                                                              EmsPickup.created_at < high)
    for district, status in api.db.session.execute(stmt):
        districts.add(district)
        per[(district, status)] += 1
    return [(d, {s: per[(d, s)] for s in PICKUP_STATES}) for d in sorted(districts)]


def build_pickups(params: dict[str, Any]) -> Workbook:
    start, end = _period(params)
    columns = [api.Column(_("District"), 16), *[api.Column(status_label(s), 10, "0") for s in PICKUP_STATES],
               api.Column(_("Total"), 10, "0")]
    rows = [(district, *[by[s] for s in PICKUP_STATES], sum(by.values())) for district, by in pickup_counts(start, end)]
    return api.table_workbook(_("EMS pickup bookings"), columns, rows)
