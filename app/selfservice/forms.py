"""The two public forms. Every message is a sentence a citizen understands, in Chinese by
default; a wrong value is said next to its field and nothing is saved."""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField
from wtforms import SelectField, StringField, TelField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from app.customers.phones import MOBILE, national_digits
from app.selfservice.attachments import EXTENSIONS

NUMBER_LENGTH = 30


def mobile_number(_form: Any, field: Any) -> None:
    if not MOBILE.match(national_digits(field.data)):
        raise ValidationError(_l("Please enter an 11-digit mobile phone number, e.g. 13800138000."))


class SubmitForm(FlaskForm):
    name = StringField(_l("Your name"), validators=[
        DataRequired(_l("Please tell us your name.")),
        Length(max=50, message=_l("Please keep your name under %(max)d characters."))])
    phone = TelField(_l("Mobile phone number"), validators=[
        DataRequired(_l("Please enter your mobile phone number.")), mobile_number],
        description=_l("We call this number back; with it and the order number you can follow "
                       "your request here."))
    category_id = SelectField(_l("What is it about?"), choices=[], validate_choice=False)
    text = TextAreaField(_l("Your message"), validators=[
        DataRequired(_l("Please write what happened or what you suggest.")),
        Length(min=5, max=2000, message=_l("Please write between %(min)d and %(max)d characters."))])
    attachment = FileField(_l("Attachment (optional)"), validators=[
        FileAllowed(EXTENSIONS, _l("Please attach a photo (JPG, PNG) or a PDF file."))])

    def validate_category_id(self, field: Any) -> None:
        offered = {choice.value for choice in field.choices if choice.value}
        if offered and field.data not in offered:
            raise ValidationError(_l("Please choose what your message is about."))


class StatusForm(FlaskForm):
    number = StringField(_l("Order number"), validators=[
        DataRequired(_l("Please enter the order number you were given.")),
        Length(max=NUMBER_LENGTH, message=_l("This is not an order number."))],
        description=_l("For example 20261123-00042."))
    phone = TelField(_l("Mobile phone number"), validators=[
        DataRequired(_l("Please enter the phone number you gave us."))])
