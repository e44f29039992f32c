"""The EMS line's forms: the agent's item search, the events import, the pickup booking and
the damaged-or-lost complaint. Every error is a Chinese sentence on the page."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import DateField, DecimalField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from app import api

from . import numbers
from .settings import districts

WINDOWS = ("09:00-11:00", "11:00-13:00", "13:00-15:00", "15:00-17:00", "17:00-19:00")
MOST_DAYS_AHEAD = 14


def today() -> date:
    return api.local(api.utcnow()).date()  # type: ignore[union-attr]  # never None for a time


def check_number(form: FlaskForm, field: StringField) -> None:
    """Refuses a malformed number and a wrong S10 check digit at once."""
    try:
        field.data = numbers.parse(field.data).text
    except numbers.BadNumber as exc:
        if exc.reason == "check_digit":
            raise ValidationError(_l("The check digit of this number is wrong: check the number with the caller."))
        raise ValidationError(_l("A mail number is 2 letters, 9 digits and 2 letters (EA123456785CN), "
                                 "or 13 digits."))


class SearchForm(FlaskForm):
    """A GET form (the result page can be bookmarked and reloaded): no CSRF needed for
    reading, none is checked."""

    class Meta:
        csrf = False

    number = StringField(_l("Mail number"), validators=[InputRequired(), check_number],
                         render_kw={"placeholder": "EA123456785CN", "autofocus": True})


class ImportForm(FlaskForm):
    file = FileField(_l("Events file (CSV or Excel)"),
                     validators=[FileRequired(_l("Choose a file.")),
                                 FileAllowed(["csv", "xlsx"], _l("Only .csv and .xlsx files are read."))])


def _prefill(form: FlaskForm, names: tuple[str, ...]) -> None:
    """A link from an item or the screen pop passes what it knows (``?phone=...``)."""
    if request.method == "GET":
        for name in names:
            value = request.args.get(name, "").strip()
            if value:
                form[name].data = value[:255]


class PickupForm(FlaskForm):
    """A pickup booking (上门揽收): who, where, when, what."""

    contact_name = StringField(_l("Contact name"), validators=[DataRequired(), Length(max=100)])
    phone = StringField(_l("Contact phone"), validators=[DataRequired(), Length(max=32)])
    district = SelectField(_l("District"), validators=[DataRequired()])
    address = StringField(_l("Pickup address"), validators=[DataRequired(), Length(max=255)])
    day = DateField(_l("Pickup day"), validators=[InputRequired()], default=lambda: today() + timedelta(days=1))
    window = SelectField(_l("Time window"), choices=[SelectChoice(w, w) for w in WINDOWS], validators=[DataRequired()])
    pieces = IntegerField(_l("Pieces"), default=1, validators=[InputRequired(), NumberRange(min=1, max=999)])
    weight_kg = DecimalField(_l("Estimated weight (kg)"), places=1,
                             validators=[Optional(), NumberRange(min=0, max=10000)])
    contents = TextAreaField(_l("Parcel details"), validators=[Length(max=1000)],
                             description=_l("What is sent, packing, any special care."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.district.choices = [SelectChoice(d, d) for d in districts()]
        _prefill(self, ("contact_name", "phone", "address"))

    def validate_phone(self, field: StringField) -> None:
        if len(api.national_digits(field.data)) < 7:
            raise ValidationError(_l("Enter a phone number the courier can call."))

    def validate_day(self, field: DateField) -> None:
        if field.data and field.data < today():
            raise ValidationError(_l("The pickup day cannot be in the past."))
        if field.data and field.data > today() + timedelta(days=MOST_DAYS_AHEAD):
            raise ValidationError(_l("Pickups are booked at most %(days)s days ahead.", days=MOST_DAYS_AHEAD))


class PickupFields(FlaskForm):
    """The pickup order's own fields on the work-order registration page (an order
    registered there rather than through the booking form)."""

    address = StringField(_l("Pickup address"), validators=[DataRequired(), Length(max=255)])
    window = StringField(_l("Time window"), validators=[Length(max=40)])


PROBLEMS = (("damaged", _l("Damaged")), ("lost", _l("Lost")), ("short", _l("Contents missing")))
#: problem → the complaint category (top, sub) it is filed under.
CATEGORIES = {"damaged": ("邮件问题", "邮件破损"), "lost": ("邮件问题", "邮件丢失"), "short": ("邮件问题", "内件短少")}


class ComplaintForm(FlaskForm):
    """A complaint about an item, prefilled from it; the agent adds what the caller says."""

    problem = SelectField(_l("Problem"), choices=[SelectChoice(v, label) for v, label in PROBLEMS], validators=[DataRequired()])
    contact_name = StringField(_l("Contact name"), validators=[DataRequired(), Length(max=100)])
    phone = StringField(_l("Contact phone"), validators=[DataRequired(), Length(max=32)])
    description = TextAreaField(_l("What the caller says"), validators=[DataRequired(), Length(max=4000)])
