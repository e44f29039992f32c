"""The 12329 booking as one of the agent desk's service forms (``/desk/forms/housingfund.booking``),
for an agent who has the call number and the caller's wish at hand: the call must be one
the IVR identified a member on and the desk connected to this agent (or the agent holds
``housingfund.all_calls``); the slot must exist and have room. The member is never typed."""
from __future__ import annotations

from datetime import time
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import DateField, IntegerField, SelectField, StringField
from wtforms.validators import InputRequired, NumberRange, Regexp, ValidationError

from app import api

from . import guide
from .centre import centre
from .forms import KIND_LABELS
from .identity import identified_on
from .models import BOOKING_KINDS, BookingSlot
from .views import may_see


class DeskBookingForm(FlaskForm):
    call_id = IntegerField(_l("IVR call number"),
                           validators=[InputRequired(message=_l("Enter the call number shown on the screen pop.")),
                                       NumberRange(min=1, message=_l("A call number is a positive whole number."))],
                           render_kw={"inputmode": "numeric"})
    kind = SelectField(_l("Visit for"), choices=[(k, KIND_LABELS[k]) for k in BOOKING_KINDS])
    branch = SelectField(_l("Branch"), choices=[(b.code, b.name) for b in guide.branches()])
    day = DateField(_l("Day of the visit"), validators=[InputRequired(message=_l("Enter the day of the visit."))])
    start = StringField(_l("Start time"), validators=[
        Regexp(r"([01][0-9]|2[0-3]):[0-5][0-9]\Z", message=_l("A time such as 09:00."))],
        render_kw={"placeholder": "09:00"})

    def validate_call_id(self, field: IntegerField) -> None:
        if field.data and (not may_see(field.data) or identified_on(field.data) is None):
            raise ValidationError(_l("The IVR identified no member on this call of yours."))

    def slot(self) -> BookingSlot | None:
        if not (self.day.data and self.start.data):
            return None
        hour, minute = (int(part) for part in self.start.data.split(":"))
        return api.db.session.scalar(select(BookingSlot).where(
            BookingSlot.kind == self.kind.data, BookingSlot.branch == self.branch.data,
            BookingSlot.day == self.day.data, BookingSlot.start == time(hour, minute)))

    def validate_start(self, field: StringField) -> None:
        if self.start.errors or not self.day.data:
            return
        found = self.slot()
        if found is None:
            raise ValidationError(_l("That branch has no such time slot for this kind of visit."))
        if found.booked >= found.capacity:
            raise ValidationError(_l("That time slot is fully booked: choose another."))


def handle(form: DeskBookingForm, user: Any) -> str:
    slot = form.slot()
    found = identified_on(form.call_id.data)
    assert slot is not None and found is not None  # both checked by the form
    result = centre().book(found.ref, slot.id, "agent", agent_id=user.id, call_id=form.call_id.data)
    if result.ok:
        return _("Booked: number %(number)s.", number=f"{result.booking_id:06d}")
    if result.reason == "already":
        return _("The member has already booked that time slot.")
    return _("Not booked: that time slot was just fully booked.")
