"""The "IVR calls" report: how many calls each line had per day, by how they left the IVR,
lost calls included (records a dead IVR process left open, closed by
:mod:`app.calls.lost`), so that a site sees its outages in its figures.

Days are the centre's days (``TIMEZONE``); the rows are grouped in Python after the
database selected the range, so the same code runs on SQLite and PostgreSQL."""
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

from app.calls.models import ERROR, HUNG_UP, LOST, SELF_SERVED, TRANSFERRED, VOICEMAIL, CallRecord
from app.extensions import db
from app.reports.excel import Column, table_workbook
from app.reports.periods import today
from app.timeutil import local

DEFAULT_DAYS = 30


class CallReportForm(FlaskForm):
    start = DateField(_l("From"), validators=[InputRequired()],
                      default=lambda: today() - timedelta(days=DEFAULT_DAYS - 1))
    end = DateField(_l("To (inclusive)"), validators=[InputRequired()], default=today)

    def validate_end(self, field: DateField) -> None:
        if self.start.data and field.data and field.data < self.start.data:
            raise ValidationError(_l("The end date must not be before the start date."))


def outcome_label(outcome: str) -> str:
    labels = {SELF_SERVED: _("Self-served"), TRANSFERRED: _("Transferred to an agent"),
              VOICEMAIL: _("Voicemail"), HUNG_UP: _("Ended in the IVR"), ERROR: _("Error"),
              LOST: _("Lost (IVR process stopped)"), "": _("In progress")}
    return labels.get(outcome, outcome)


def counts(start: date, end: date) -> list[tuple[date, str, str, int]]:
    """(day, line, outcome, calls), sorted; calls still open count as outcome ""."""
    zone = ZoneInfo(current_app.config["TIMEZONE"])

    def utc(day: date) -> datetime:
        return datetime.combine(day, time.min, tzinfo=zone).astimezone(timezone.utc).replace(tzinfo=None)

    stmt = (select(CallRecord.started_at, CallRecord.line, CallRecord.outcome)
            .where(CallRecord.started_at >= utc(start), CallRecord.started_at < utc(end + timedelta(days=1))))
    total: Counter[tuple[date, str, str]] = Counter()
    for started_at, line, outcome in db.session.execute(stmt):
        total[(local(started_at).date(), line, outcome)] += 1  # type: ignore[union-attr]
    return [(*group, n) for group, n in sorted(total.items())]


def build(params: dict[str, Any]) -> Workbook:
    start = params.get("start") or today() - timedelta(days=DEFAULT_DAYS - 1)
    end = params.get("end") or today()
    columns = [Column(_("Date"), 12, "yyyy-mm-dd"), Column(_("Line"), 12),
               Column(_("Outcome"), 24), Column(_("Calls"), 10, "0")]
    rows = [(day, line, outcome_label(outcome), n) for day, line, outcome, n in counts(start, end)]
    return table_workbook(_("IVR calls"), columns, rows)
