"""The "IVR calls" report: how many calls each line had per day, by how they left the IVR,
lost calls included (records a dead IVR process left open, closed by
:mod:`app.calls.lost`), so that a site sees its outages in its figures.

Days are the centre's days (``TIMEZONE``); the rows are grouped in Python after the
database selected the range, so the same code runs on SQLite and PostgreSQL."""
from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from flask_babel import gettext as _
from openpyxl import Workbook
from sqlalchemy import select

from app.calls.models import ERROR, HUNG_UP, LOST, SELF_SERVED, TRANSFERRED, VOICEMAIL, CallRecord
from app.extensions import db
from app.reports.excel import Column, table_workbook
from app.reports.forms import LastDaysForm, last_days
from app.timeutil import local, utc_bounds

#: The report's form: the centre's last 30 days by default.
CallReportForm = LastDaysForm


def outcome_label(outcome: str) -> str:
    labels = {SELF_SERVED: _("Self-served"), TRANSFERRED: _("Transferred to an agent"),
              VOICEMAIL: _("Voicemail"), HUNG_UP: _("Ended in the IVR"), ERROR: _("Error"),
              LOST: _("Lost (IVR process stopped)"), "": _("In progress")}
    return labels.get(outcome, outcome)


def counts(start: date, end: date) -> list[tuple[date, str, str, int]]:
    """(day, line, outcome, calls), sorted; calls still open count as outcome ""."""
    low, high = utc_bounds(start, end)
    stmt = (select(CallRecord.started_at, CallRecord.line, CallRecord.outcome)
            .where(CallRecord.started_at >= low, CallRecord.started_at < high))
    total: Counter[tuple[date, str, str]] = Counter()
    for started_at, line, outcome in db.session.execute(stmt):
        total[(local(started_at).date(), line, outcome)] += 1  # type: ignore[union-attr]
    return [(*group, n) for group, n in sorted(total.items())]


def build(params: dict[str, Any]) -> Workbook:
    start, end = last_days(params)
    columns = [Column(_("Date"), 12, "yyyy-mm-dd"), Column(_("Line"), 12),
               Column(_("Outcome"), 24), Column(_("Calls"), 10, "0")]
    rows = [(day, line, outcome_label(outcome), n) for day, line, outcome, n in counts(start, end)]
    return table_workbook(_("IVR calls"), columns, rows)
