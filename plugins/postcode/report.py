"""The "postcode lookups" report: how many lookups each agent made per day and kind, and
how many found nothing (a sign of callers with unknown or new postcodes, or of old data).

Days are the centre's days (``TIMEZONE``): a lookup at 23:30 UTC belongs to the next day
in Shanghai. Rows are grouped in Python after the database selected the range, so the
same code runs on SQLite and PostgreSQL without time-zone functions."""
from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from flask_babel import gettext as _
from openpyxl import Workbook
from sqlalchemy import select

from app import api

from .models import PostcodeLookup

#: The report's form: the centre's last 30 days by default.
LookupReportForm = api.LastDaysForm


def counts(start: date, end: date) -> list[tuple[date, str, str, int, int]]:
    """(day, agent, kind, lookups, lookups without result), sorted by day, agent, kind."""
    low, high = api.utc_bounds(start, end)
    stmt = (
        select(PostcodeLookup.at, PostcodeLookup.kind, PostcodeLookup.result_count,
               api.User.username, api.User.display_name)
        .outerjoin(api.User, api.User.id == PostcodeLookup.user_id)
        .where(PostcodeLookup.at >= low, PostcodeLookup.at < high)
    )
    total: Counter[tuple[date, str, str]] = Counter()
    empty: Counter[tuple[date, str, str]] = Counter()
    for at, kind, result_count, username, display_name in api.db.session.execute(stmt):
        day = api.local(at).date()  # type: ignore[union-attr]
        group = (day, agent_label(username, display_name), kind)
        total[group] += 1
        empty[group] += int(result_count == 0)
    return [(*group, n, empty[group]) for group, n in sorted(total.items())]


def agent_label(username: str | None, display_name: str | None) -> str:
    if username is None:
        return _("(no agent)")
    return f"{display_name} ({username})" if display_name else username


def kind_label(kind: str) -> str:
    labels = {"postcode": _("Postcode"), "region": _("Province, city, county"), "address": _("Address text")}
    return labels.get(kind, kind)


def build(params: dict[str, Any]) -> Workbook:
    """The workbook for the reports page (``params`` from :class:`LookupReportForm`)."""
    start, end = api.last_days(params)
    columns = [
        api.Column(_("Date"), 12, "yyyy-mm-dd"),
        api.Column(_("Agent"), 24),
        api.Column(_("Lookup kind"), 16),
        api.Column(_("Lookups"), 10, "0"),
        api.Column(_("Without result"), 12, "0"),
    ]
    rows = [(day, agent, kind_label(kind), n, none) for day, agent, kind, n, none in counts(start, end)]
    return api.table_workbook(_("Postcode lookup counts"), columns, rows)
