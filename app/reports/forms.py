"""The report forms. The period form without the fields a report does not read, so that a manager is never
offered a choice that changes nothing (WTForms drops a field set to ``None`` in a subclass).
The command line takes ``--period`` and ``--queue`` for every report alike; such a report
ignores them. And the last-days range of the simpler reports (:class:`LastDaysForm`)."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField
from wtforms.validators import InputRequired, ValidationError

from app.reports.periods import PeriodReportForm, today


class PeriodOnlyForm(PeriodReportForm):
    """Days and a period to group by; no queue (IVR lines, the public pages)."""

    queue = None


class QueueRangeForm(PeriodReportForm):
    """Days and a queue; the report has one row per agent or group over the whole range."""

    period = None


class RangeForm(PeriodReportForm):
    """Days only: the report fixes its own grouping (per day, or a sheet per period)."""

    period = None
    queue = None


#: The days a report over "the last days" covers when nothing is chosen.
LAST_DAYS = 30


def _first_of_last_days() -> date:
    return today() - timedelta(days=LAST_DAYS - 1)


class LastDaysForm(FlaskForm):
    """A range of the centre's days, the last 30 by default: the form of the lines' own
    reports (postcode lookups, tracking queries, orders); read it with :func:`last_days`.
    Not a :class:`PeriodReportForm`: such reports are not offered for scheduled delivery."""

    start = DateField(_l("From"), validators=[InputRequired()], default=_first_of_last_days)
    end = DateField(_l("To (inclusive)"), validators=[InputRequired()], default=today)

    def validate_end(self, field: DateField) -> None:
        if self.start.data and field.data and field.data < self.start.data:
            raise ValidationError(_l("The end date must not be before the start date."))


def last_days(params: dict[str, Any]) -> tuple[date, date]:
    """(first day, last day) from :class:`LastDaysForm`'s values or the command's."""
    return params.get("start") or _first_of_last_days(), params.get("end") or today()
