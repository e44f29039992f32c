"""One special day of a calendar (a closure, a shortened day, a day worked) as a form, and
its reading: the IVR line's page and the work orders' deadlines page both add such days, with
the same fields, the same checks and the same messages."""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length, Optional

from app.calendars.hours import HoursError, normalise


class SpecialDayForm(FlaskForm):
    day = StringField(_l("Date"), validators=[DataRequired(message=_l("Give the date."))],
                      render_kw={"type": "date", "placeholder": "2026-10-01"})
    name = StringField(_l("Name of the day"), validators=[Optional(), Length(max=100)],
                       render_kw={"placeholder": "国庆节"})
    hours = StringField(_l("Hours that day"), validators=[Optional(), Length(max=100)],
                        description=_l("Empty: closed all day. Otherwise that day's hours, e.g. "
                                       "09:00-12:00 (a shortened day, or a weekend made a working day)."))


def bad_hours(text: str) -> str:
    """The message for hours that cannot be read, quoting what was typed."""
    return _("“%(value)s” is not valid hours: write ranges like 08:00-12:00,13:30-17:30 "
             "(24:00 ends the day), each ending after it starts.", value=text)


def read_special_day(form: SpecialDayForm) -> tuple[date | None, str]:
    """The date and the normalised hours typed (``""``: closed all day); a part that cannot
    be read gets its field error and comes back ``None`` / ``""``."""
    day = None
    try:
        day = date.fromisoformat((form.day.data or "").strip())
    except ValueError:
        form.day.errors = [*form.day.errors, _("Not a date (YYYY-MM-DD).")]
    text = (form.hours.data or "").strip()
    hours_text = ""
    try:
        hours_text = normalise(text)
    except HoursError:
        form.hours.errors = [*form.hours.errors, bad_hours(text)]
    return day, hours_text
