"""What the agent's screens show of the 12329 line: the screen-pop panel ("identified as …",
masked, with a link to the caller's page) and the customer timeline's bookings. Both are
one or two indexed queries, as the hooks require; no number but masked ones, no password."""
from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select

from app import api

from . import guide
from .centre import centre
from .forms import KIND_LABELS
from .identity import identified_on, mask_name
from .models import Booking, BookingSlot, FundMember

TIMELINE_LIMIT = 20


def screen_pop(call: Any) -> list[api.ScreenPopPanel]:
    found = identified_on(getattr(call, "call_id", None))
    company_found = identified_on(getattr(call, "call_id", None), "company")
    panels = []
    if found is not None:
        member = centre().member(found.ref)
        if member is not None:
            panels.append(api.ScreenPopPanel(
                "housingfund.member", _("12329: identified caller"),
                rows=[(_("Identified as"), f"{mask_name(member.name)} {member.account_masked}")],
                template="housingfund/pop.html",
                context={"url": url_for("housingfund.call", call_id=call.call_id)}, weight=50))
    if company_found is not None:
        company = centre().company(company_found.ref)
        if company is not None:
            panels.append(api.ScreenPopPanel(
                "housingfund.company", _("12329: identified company"),
                rows=[(_("Identified as"), f"{company.name} {company.account_masked}")],
                template="housingfund/pop.html",
                context={"url": url_for("housingfund.call", call_id=call.call_id)}, weight=51))
    return panels


def timeline(customer: Any) -> list[api.TimelineEntry]:
    digits = [phone.digits for phone in getattr(customer, "phones", ()) if getattr(phone, "digits", "")]
    if not digits:
        return []
    rows = api.db.session.execute(
        select(Booking, BookingSlot).join(BookingSlot, BookingSlot.id == Booking.slot_id)
        .join(FundMember, FundMember.id == Booking.member_id)
        .where(FundMember.phone.in_(digits)).order_by(Booking.at.desc()).limit(TIMELINE_LIMIT)).all()
    return [api.TimelineEntry(
        f"housingfund.booking.{booking.id}", booking.at,
        _("12329 booking %(number)s: %(kind)s at %(branch)s", number=f"{booking.id:06d}",
          kind=KIND_LABELS[slot.kind], branch=guide.branch_name(slot.branch)),
        detail=f"{slot.day.isoformat()} {slot.start:%H:%M}") for booking, slot in rows]
