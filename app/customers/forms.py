"""The customer forms: the record itself (with its phones and first address), an extra
address, a note, a merge."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp, ValidationError

from app.customers.phones import national_digits

KIND_CHOICES = [SelectChoice("person", _l("Person")), SelectChoice("company", _l("Company"))]
POSTCODE = Regexp(r"^[0-9]{6}$", message=_l("A postcode is six digits."))
#: One "@", no spaces, a domain with a dot (the notify room checks the same before sending).
EMAIL = Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("Not an e-mail address (name@example.com)."))
MAX_PHONES = 10


def phone_lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").replace("，", "\n").replace(",", "\n").splitlines()
            if line.strip()]


def province_field() -> StringField:
    return StringField(_l("Province"), validators=[Optional(), Length(max=32)])


def city_field() -> StringField:
    return StringField(_l("City"), validators=[Optional(), Length(max=32)])


def county_field() -> StringField:
    return StringField(_l("County / district"), validators=[Optional(), Length(max=32)])


def postcode_field() -> StringField:
    return StringField(_l("Postcode"), validators=[Optional(), POSTCODE],
                       description=_l("Left empty, it is filled in from the province, city and county."))


class CustomerForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    kind = SelectField(_l("Kind"), choices=KIND_CHOICES)
    phones = TextAreaField(_l("Phones"), validators=[Optional()],
                           description=_l("One number per line; the first is the main one."))
    email = StringField(_l("E-mail"), validators=[Optional(), Length(max=254), EMAIL],
                        filters=[lambda value: value.strip() if isinstance(value, str) else value])
    account = StringField(_l("Account number"), validators=[Optional(), Length(max=64)])
    id_number = StringField(_l("ID number"), validators=[Optional(), Length(max=32)])
    tags = StringField(_l("Tags"), validators=[Optional(), Length(max=250)],
                       description=_l("Separated by spaces or commas."))
    vip = BooleanField(_l("VIP"))
    blacklisted = BooleanField(_l("Blacklisted"))
    province = province_field()
    city = city_field()
    county = county_field()
    detail = StringField(_l("Street and number"), validators=[Optional(), Length(max=255)])
    postcode = postcode_field()
    #: The customer's ``row_version`` when the form was opened (:mod:`app.audit.editing`).
    row_version = HiddenField()

    def validate_phones(self, field: TextAreaField) -> None:
        lines = phone_lines(field.data)
        if len(lines) > MAX_PHONES:
            raise ValidationError(_l("At most %(count)s phones.", count=MAX_PHONES))
        for line in lines:
            digits = national_digits(line)
            if len(line) > 32 or not 5 <= len(digits) <= 20:
                raise ValidationError(_l("Not a phone number: %(number)s", number=line))


class AddressForm(FlaskForm):
    province = province_field()
    city = city_field()
    county = county_field()
    detail = StringField(_l("Street and number"), validators=[DataRequired(), Length(max=255)])
    postcode = postcode_field()


class NoteForm(FlaskForm):
    text = TextAreaField(_l("Note"), validators=[DataRequired(), Length(max=4000)])


class MergeForm(FlaskForm):
    duplicate = IntegerField(_l("Number of the duplicate record"),
                             validators=[DataRequired(), NumberRange(1, 2**31 - 1)],
                             description=_l("Its phones, addresses and notes move to this customer."))


class ImportForm(FlaskForm):
    file = FileField(_l("Excel file (.xlsx)"), validators=[FileRequired()],
                     description=_l("A file with any bad row imports nothing; the rows and reasons are listed."))
