"""The line's two reports: tracking queries per day and channel (IVR, agent, web), and
pickup bookings per district and status.

Days are the centre's days (``TIMEZONE``): a query at 23:30 UTC belongs to the next day in
Shanghai. Rows are grouped in Python after the database selected the range, so the same
code runs on SQLite and PostgreSQL without time-zone functions."""
from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from flask_babel import gettext as _
from openpyxl import Workbook
from sqlalchemy import select

from app import api

from .models import CHANNELS, PICKUP_STATES, EmsPickup, EmsQuery

#: The reports' form: the centre's last 30 days by default.
PeriodForm = api.LastDaysForm
today = api.centre_today
utc_bounds = api.utc_bounds


def _period(params: dict[str, Any]) -> tuple[date, date]:
    return api.last_days(params)


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
