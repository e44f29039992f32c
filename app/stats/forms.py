"""The statistics pages' GET forms (they change nothing, so no CSRF token: a link or a
bookmark of the address shows the same page). Every error names its field in the user's
language, never a 500."""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, FloatField, IntegerField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional, ValidationError

from app.auth.forms import MultiCheckboxField

WEEKDAY_NAMES = (_l("Mon"), _l("Tue"), _l("Wed"), _l("Thu"), _l("Fri"), _l("Sat"), _l("Sun"))


class Between:
    """``low`` ≤ value ≤ ``high``, said with the field's own label."""

    def __init__(self, low: float, high: float) -> None:
        self.low, self.high = low, high

    def __call__(self, form: Any, field: Any) -> None:
        if field.data is not None and not self.low <= field.data <= self.high:
            raise ValidationError(_("%(field)s must be between %(low)s and %(high)s.", field=field.label.text,
                                    low=f"{self.low:g}", high=f"{self.high:g}"))


class _Worded:
    """A field whose "cannot read it" error is ours, in the user's language, naming the
    field (WTForms' own is English)."""

    def unreadable(self) -> str:
        return _("%(field)s must be a number.", field=self.label.text)  # type: ignore[attr-defined]

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)  # type: ignore[misc]
        except ValueError as error:
            raise ValueError(self.unreadable()) from error


class NumberField(_Worded, FloatField):
    pass


class WholeNumberField(_Worded, IntegerField):
    pass


class DayField(_Worded, DateField):
    def unreadable(self) -> str:
        return _("%(field)s must be a date such as 2026-12-01.", field=self.label.text)  # type: ignore[attr-defined]


class GetForm(FlaskForm):
    class Meta:
        csrf = False


class ForecastForm(GetForm):
    """What the forecast is asked for: the weeks it learns from, the targets (a slot gets
    the agents that meet the service level AND, when given, the ASA), the shrinkage, and
    which weekdays the table and chart show."""

    weeks = WholeNumberField(_l("Weeks"), default=4, validators=[Optional(), Between(1, 52)])
    sl = NumberField(_l("Service level target (percent)"), default=80,
                     validators=[Optional(), Between(1, 99)])
    threshold = NumberField(_l("Answered within (s)"), default=20, validators=[Optional(), Between(0, 3600)])
    asa = NumberField(_l("ASA target (s)"), validators=[Optional(), Between(1, 3600)],
                      description=_l("Empty: no ASA target"))
    shrinkage = NumberField(_l("Shrinkage (percent)"), default=30, validators=[Optional(), Between(0, 90)])
    queue = StringField(_l("Queue"), validators=[Optional(), Length(max=64)],
                        description=_l("Empty: every queue"))
    weekdays = MultiCheckboxField(_l("Weekdays"), coerce=int, default=list(range(1, 8)),
                                  choices=[SelectChoice(i + 1, name) for i, name in enumerate(WEEKDAY_NAMES)])


class DashboardForm(GetForm):
    day = DayField(_l("Day"), validators=[Optional()], description=_l("Empty: today"))


class ForecastReportForm(ForecastForm):
    """The same questions on the reports page, posted there (so with its CSRF token)."""

    class Meta:
        csrf = True
