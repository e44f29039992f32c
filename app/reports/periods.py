"""The parameters every statistics report takes (a range of the centre's days, a period to
group by, optionally one queue) and how a period is named in a sheet."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from app.timeutil import centre_today as today

#: The periods a manager groups by (seed 004: day, week, month, year) and the hour.
PERIOD_CHOICES = [SelectChoice("day", _l("Day")), SelectChoice("week", _l("ISO week")),
                  SelectChoice("month", _l("Month")), SelectChoice("year", _l("Year")),
                  SelectChoice("hour", _l("Hour"))]


class PeriodReportForm(FlaskForm):
    start = DateField(_l("From"), validators=[InputRequired()], default=lambda: today().replace(day=1))
    end = DateField(_l("To (inclusive)"), validators=[InputRequired()], default=today)
    period = SelectField(_l("Group by"), choices=PERIOD_CHOICES, default="day")
    queue = StringField(_l("Queue"), validators=[Optional(), Length(max=64)],
                        description=_l("Empty: every queue"))

    def validate_end(self, field: DateField) -> None:
        if self.start.data and field.data and field.data < self.start.data:
            raise ValidationError(_l("The end date must not be before the start date."))


def read_params(params: dict[str, Any]) -> tuple[date, date, str, list[str] | None]:
    """(first day, last day, period, queues or None) from a form's or the command's values."""
    first = params.get("start") or today().replace(day=1)
    last = params.get("end") or today()
    period = params.get("period") or "day"
    queue = (params.get("queue") or "").strip()
    return first, last, period, [queue] if queue else None


def period_label(period: str, key: Any) -> Any:
    """How a period shows in a sheet: a day stays a date (Excel formats it), the others are
    text a manager reads at a glance (``2026-W49``, ``2026-12``)."""
    if period == "day" or key is None:
        return key
    if period == "hour" and isinstance(key, datetime):
        return key
    if period == "week":
        year, week, _weekday = key.isocalendar()
        return f"{year}-W{week:02d}"
    if period == "month":
        return f"{key:%Y-%m}"
    if period == "hour_of_day":
        return f"{key:02d}:00"
    return str(key)


def range_label(first: date, last: date) -> str:
    return _("Period: %(first)s to %(last)s", first=first.isoformat(), last=last.isoformat())


