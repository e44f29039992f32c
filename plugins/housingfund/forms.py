"""The agent's forms: which IVR call to look at, and a branch booking for the member that
call identified. The member is never typed: an agent books only for a caller the IVR
identified (account and password checked there)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField
from wtforms.validators import InputRequired, NumberRange

from . import guide
from .models import BOOKING_KINDS

KIND_LABELS = {"loan": _l("Loan application"), "repay": _l("Loan repayment"), "withdraw": _l("Withdrawal")}


class CallForm(FlaskForm):
    call_id = IntegerField(_l("IVR call number"),
                           validators=[InputRequired(message=_l("Enter the call number shown on the screen pop.")),
                                       NumberRange(min=1, message=_l("A call number is a positive whole number."))],
                           render_kw={"inputmode": "numeric"})


class BookingForm(FlaskForm):
    kind = SelectField(_l("Visit for"), choices=[(k, KIND_LABELS[k]) for k in BOOKING_KINDS])
    branch = SelectField(_l("Branch"), choices=[(b.code, b.name) for b in guide.branches()])
    slot = SelectField(_l("Time slot"), coerce=int, validate_choice=False,
                       validators=[InputRequired(message=_l("Choose a time slot."))])
