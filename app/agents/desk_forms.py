"""The desk's own form: "new call", for a call that reached the agent without CTI (a
direct line, a phone outside the queues)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from app.customers.models import Customer
from app.extensions import db
from app.notify.addresses import phone_problem


class NewCallForm(FlaskForm):
    caller = StringField(_l("Caller's number"), validators=[DataRequired(_l("Type the caller's number.")),
                                                            Length(max=32)],
                         description=_l("As the caller gives it: 13800000001 or 0371-12345678."))
    customer_id = IntegerField(_l("Customer number (optional)"),
                               validators=[Optional(), NumberRange(min=1, max=2_000_000_000)],
                               description=_l("Empty: the customer is recognised by the number."))

    def validate_caller(self, field: StringField) -> None:
        problem = phone_problem(field.data or "")
        if problem:
            raise ValidationError(problem)

    def validate_customer_id(self, field: IntegerField) -> None:
        if field.data and db.session.get(Customer, field.data) is None:
            raise ValidationError(_l("There is no customer with this number."))
