"""The agent's forms (register a subscriber, subscribe, change the address, cancel) and the
catalog import form. Everything a rule of the line can refuse is checked in the form's
validators, so the agent sees a Chinese error on the field instead of a half-saved order."""
from __future__ import annotations

import unicodedata

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import select
from wtforms import IntegerField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from app import api

from . import codes, orders
from .models import ACTIVE, NewspaperSubscription

PIN_RULE = Regexp(r"[0-9]{6}\Z", message=_l("The PIN is exactly 6 digits."))
POSTCODE_RULE = Regexp(r"([0-9]{6})?\Z", message=_l("A postcode is exactly 6 digits, for example 363800."))


def normalise(value: str | None) -> str:
    """Full-width characters of a Chinese input method made half-width, spaces trimmed."""
    return unicodedata.normalize("NFKC", value or "").strip()


def period_choices() -> list[SelectChoice]:
    return [SelectChoice(str(months), label) for months, label in codes.PERIODS.items()]


def district_field() -> StringField:
    return StringField(_l("District or county"), filters=[normalise],
                       validators=[DataRequired(), Length(max=32)], render_kw={"placeholder": "鼓楼区"})


def detail_field() -> StringField:
    return StringField(_l("Street address"), filters=[normalise],
                       validators=[DataRequired(), Length(max=200)], render_kw={"placeholder": "五一北路1号"})


def postcode_field() -> StringField:
    return StringField(_l("Postcode"), filters=[normalise], validators=[POSTCODE_RULE],
                       render_kw={"inputmode": "numeric", "placeholder": "350001"})


def validate_account(form: FlaskForm, field: StringField) -> None:
    if not field.errors and orders.subscriber_by_account(field.data) is None:
        raise ValidationError(_l("No subscriber has this account."))


class RegisterForm(FlaskForm):
    """The PIN is typed by the subscriber (the agent reads it nowhere): stored hashed."""

    name = StringField(_l("Subscriber name"), filters=[normalise], validators=[DataRequired(), Length(max=100)])
    phone = StringField(_l("Phone"), filters=[normalise], validators=[DataRequired(), Length(max=32)])
    district = district_field()
    detail = detail_field()
    postcode = postcode_field()
    pin = PasswordField(_l("Telephone PIN (6 digits)"), validators=[InputRequired(), PIN_RULE])
    pin_again = PasswordField(_l("PIN again"), validators=[EqualTo("pin", message=_l("The two PINs differ."))])

    def validate_phone(self, field: StringField) -> None:
        if len(orders.digits_of(field.data)) < 7:
            raise ValidationError(_l("Enter the subscriber's phone number."))


class SubscribeForm(FlaskForm):
    account = StringField(_l("Subscriber account"), filters=[normalise],
                          validators=[Regexp(r"[0-9]{8}\Z", message=_l("A subscriber account is 8 digits.")),
                                      validate_account],
                          render_kw={"inputmode": "numeric"})
    code = StringField(_l("Issuing code"), filters=[normalise], validators=[DataRequired()],
                       description=_l("Two numbers joined by a dash, e.g. 1-1."), render_kw={"placeholder": "1-1"})
    period = SelectField(_l("Subscription period"), choices=period_choices(), default="12")
    copies = IntegerField(_l("Copies"), default=1, validators=[InputRequired(), NumberRange(1, 99)])
    address_number = IntegerField(_l("Delivery address number"), validators=[Optional(), NumberRange(1, 99)],
                                  description=_l("Empty: the subscriber's first address."))

    def validate_code(self, field: StringField) -> None:
        code = codes.canonical(field.data)
        if code is None:
            raise ValidationError(_l("An issuing code is two numbers joined by a dash, e.g. 1-1."))
        title = orders.title_by_code(code)
        if title is None:
            raise ValidationError(_l("No title in the catalog has this issuing code."))
        if not title.orderable_on(orders.today()):
            raise ValidationError(_l("Orders for this title are closed."))
        field.data = code

    def validate_period(self, field: SelectField) -> None:
        title = orders.title_by_code(codes.canonical(self.code.data))
        if title is not None and int(field.data) not in title.period_months:
            raise ValidationError(_l("This title cannot be ordered for that period."))

    def validate_address_number(self, field: IntegerField) -> None:
        subscriber = orders.subscriber_by_account(self.account.data)
        if field.data and subscriber and field.data not in [a.position for a in subscriber.addresses]:
            raise ValidationError(_l("The subscriber has no address with this number."))


class AddAddressForm(FlaskForm):
    """Another delivery address: the caller can then move a subscription there by telephone."""

    account = StringField(_l("Subscriber account"), filters=[normalise],
                          validators=[Regexp(r"[0-9]{8}\Z", message=_l("A subscriber account is 8 digits.")),
                                      validate_account],
                          render_kw={"inputmode": "numeric"})
    district = district_field()
    detail = detail_field()
    postcode = postcode_field()

    def validate_detail(self, field: StringField) -> None:
        subscriber = orders.subscriber_by_account(self.account.data)
        if subscriber is not None and len(subscriber.addresses) >= orders.MAX_ADDRESSES:
            raise ValidationError(_l("A subscriber has at most 9 addresses."))


def number_field() -> IntegerField:
    return IntegerField(_l("Subscription number"), validators=[InputRequired(), NumberRange(1)])


def _active_subscription(number: int | None) -> NewspaperSubscription:
    subscription = api.db.session.scalar(select(NewspaperSubscription).where(NewspaperSubscription.id == number))
    if subscription is None:
        raise ValidationError(_l("No subscription has this number."))
    if subscription.status != ACTIVE:
        raise ValidationError(_l("This subscription is already cancelled."))
    return subscription


class ChangeAddressForm(FlaskForm):
    number = number_field()
    district = district_field()
    detail = detail_field()
    postcode = postcode_field()

    def validate_number(self, field: IntegerField) -> None:
        subscription = _active_subscription(field.data)
        if orders.quote_cancel(subscription, orders.today()).months == 0:
            raise ValidationError(_l("No month of this subscription is left to change."))


class CancelForm(FlaskForm):
    number = number_field()

    def validate_number(self, field: IntegerField) -> None:
        subscription = _active_subscription(field.data)
        if orders.quote_cancel(subscription, orders.today()).months == 0:
            raise ValidationError(_l("No month of this subscription is left to change."))


class ImportForm(FlaskForm):
    workbook = FileField(_l("Catalog workbook (.xlsx)"), validators=[FileRequired(_l("Choose a file."))])


class DeliveryProblemFields(FlaskForm):
    """The newspaper work order's own fields."""

    code = StringField(_l("Issuing code"), filters=[normalise], validators=[Optional(), Length(max=16)])
    subscription = StringField(_l("Subscription number"), filters=[normalise], validators=[Optional(), Length(max=16)])
