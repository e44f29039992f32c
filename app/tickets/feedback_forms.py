"""The forms that give a result back: a message to the customer, a call-back task, and one
try of a call-back task. Times are typed in the centre's zone and stored as UTC."""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from app.notify.addresses import PhoneNumber, recipient_problem
from app.tickets.callback_models import NOT_REACHED, REACHED
from app.tickets.giving_back import MESSAGE_CHANNELS
from app.tickets.kinds import SATISFACTION

TIME_FORMAT = "%Y-%m-%dT%H:%M"
NOT_A_TIME = _l("Please give a date and time, e.g. 2026-11-23 14:30.")


def centre_time_to_utc(value: datetime | None) -> datetime | None:
    """A time typed in the centre's zone as the naive UTC the tables keep."""
    if value is None:
        return None
    zone = ZoneInfo(current_app.config["TIMEZONE"])
    return value.replace(tzinfo=zone).astimezone(timezone.utc).replace(tzinfo=None)


class CentreTimeField(DateTimeLocalField):
    """A browser's date-and-time input, with our sentence for what is not a time."""

    def process_formdata(self, valuelist: list[str]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(str(NOT_A_TIME)) from None


def time_field(label: str, description: str = "") -> CentreTimeField:
    return CentreTimeField(label, format=TIME_FORMAT, validators=[Optional()], description=description)


class MessageForm(FlaskForm):
    """One form per channel (``channel``: ``sms`` or ``email``); an SMS has no subject."""

    to = StringField(_l("To"), validators=[DataRequired(), Length(max=254)])
    title = StringField(_l("Subject"), validators=[Optional(), Length(max=200)])
    text = TextAreaField(_l("Message"), validators=[DataRequired(), Length(max=1000)])

    def __init__(self, channel: str, *args: object, **kwargs: object) -> None:
        if channel not in MESSAGE_CHANNELS:
            raise ValueError(f"unknown channel {channel!r}")
        self.channel = channel
        super().__init__(*args, prefix=channel, **kwargs)
        if channel == "sms":
            del self.title

    def validate_to(self, field: StringField) -> None:
        problem = recipient_problem(self.channel, field.data or "")
        if problem:
            raise ValidationError(problem)


class CallbackForm(FlaskForm):
    phone = StringField(_l("Number to call"), validators=[DataRequired(), Length(max=32), PhoneNumber()])
    due = time_field(_l("Call from"), _l("Empty: as soon as possible."))
    assignee_id = SelectField(_l("Agent"), choices=[], default="")
    note = TextAreaField(_l("Note for the agent"), validators=[Optional(), Length(max=2000)])


class OutcomeForm(FlaskForm):
    outcome = RadioField(_l("Outcome"), choices=[SelectChoice(REACHED, _l("Reached the customer")),
                                                 SelectChoice(NOT_REACHED, _l("Not reached"))],
                         validators=[DataRequired(message=_l("Please say whether the customer was reached."))])
    feedback = TextAreaField(_l("Customer feedback"), validators=[Length(max=10000)])
    satisfaction = SelectField(_l("Satisfaction"), choices=[], default="")
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)],
                         description=_l("Not reached: why (no answer, switched off, wrong number)."))
    retry_at = time_field(_l("Try again from"), _l("Not reached: empty means after the usual wait."))
    attempts = HiddenField()
    call_id = HiddenField()

    def set_satisfaction_choices(self, survey_title: str = "") -> None:
        """The empty choice says what leaving it means: the IVR survey's level, or none."""
        empty = _l("— (not asked)") if not survey_title else survey_title
        self.satisfaction.choices = [SelectChoice("", empty)] + [
            SelectChoice(code, title) for code, title in SATISFACTION.items()]

    def validate_feedback(self, field: TextAreaField) -> None:
        if self.outcome.data == REACHED and not (field.data or "").strip():
            raise ValidationError(_l("Please write what the customer said."))

    def validate_call_id(self, field: HiddenField) -> None:
        if field.data and not (field.data.isdigit() and len(field.data) < 10):
            raise ValidationError(_l("Not a call record number."))

