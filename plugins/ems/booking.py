"""Taking a pickup booking and a complaint about an item: each saves what the line keeps
and opens the work order the back office works from (through ``api.open_work_order``,
the core's own registration path)."""
from __future__ import annotations

from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from app import api

from .forms import CATEGORIES, PROBLEMS, ComplaintForm, PickupForm
from .models import EmsItem, EmsPickup
from .settings import pickup_department
from .tracking import Route

PICKUP_TYPE = "ems_pickup"
PICKUP_CATEGORY = ("上门揽收", "EMS 揽收")


def customer_by_phone(phone: str) -> api.Customer | None:
    """The one customer with this phone (by national digits), else ``None`` (none or
    several: a guess would file the booking under someone else)."""
    digits = api.national_digits(phone)
    if not digits:
        return None
    found = api.db.session.scalars(select(api.Customer).where(api.Customer.phones.any(digits=digits),
                                                              api.Customer.merged_into_id.is_(None)).limit(2)).all()
    return found[0] if len(found) == 1 else None


def _utc(day: date, hhmm: str) -> datetime:
    zone = ZoneInfo(current_app.config["TIMEZONE"])
    hour, minute = (int(x) for x in hhmm.split(":"))
    local_time = datetime.combine(day, time(hour, minute), tzinfo=zone)
    return local_time.astimezone(timezone.utc).replace(tzinfo=None)


def book_pickup(form: PickupForm, user: api.User) -> str:
    """Saves the booking and its service work order, assigned to the pickup department."""
    start_text, end_text = form.window.data.split("-")
    weight_g = int(form.weight_kg.data * 1000) if form.weight_kg.data is not None else None
    customer = customer_by_phone(form.phone.data)
    pickup = EmsPickup(contact_name=form.contact_name.data.strip(), phone=form.phone.data.strip(),
                       district=form.district.data, address=form.address.data.strip(),
                       window_start=_utc(form.day.data, start_text), window_end=_utc(form.day.data, end_text),
                       pieces=form.pieces.data, weight_g=weight_g, contents=(form.contents.data or "").strip(),
                       customer_id=customer.id if customer else None, user_id=user.id)
    api.db.session.add(pickup)
    api.db.session.commit()
    when = f"{form.day.data:%Y-%m-%d} {form.window.data}"
    description = "\n".join([
        _("Contact: %(name)s, %(phone)s", name=pickup.contact_name, phone=pickup.phone),
        _("Address: %(district)s %(address)s", district=pickup.district, address=pickup.address),
        _("Time window: %(when)s", when=when),
        _("Pieces: %(pieces)s; estimated weight: %(weight)s kg", pieces=pickup.pieces,
          weight=form.weight_kg.data if form.weight_kg.data is not None else "—"),
        pickup.contents,
    ]).strip()
    order = api.open_work_order(user, type_code=PICKUP_TYPE, category=PICKUP_CATEGORY,
                                subject=_("Pickup %(when)s, %(district)s", when=when, district=pickup.district),
                                description=description, department_code=pickup_department(),
                                customer_id=pickup.customer_id,
                                extra={"address": f"{pickup.district} {pickup.address}", "window": when,
                                       "pickup_id": pickup.id})
    pickup.order_number = order.number
    api.db.session.commit()
    return _("Pickup booked for %(when)s: work order %(number)s.", when=when, number=order.number)


def file_complaint(form: ComplaintForm, route: Route, user: api.User) -> str:
    """A complaint work order about the item, with its number and latest status in the
    text; returns the order's number."""
    item = api.db.session.get(EmsItem, route.item_id) if route.item_id else None
    customer = customer_by_phone(form.phone.data) or (
        api.db.session.get(api.Customer, item.customer_id) if item is not None and item.customer_id else None)
    latest = route.latest
    lines = [_("Mail number: %(number)s", number=route.number)]
    if latest is not None:
        lines.append(_("Latest status: %(at)s %(place)s %(event)s",
                       at=f"{api.local(latest.at):%Y-%m-%d %H:%M}", place=latest.place, event=latest.event))
    if item is not None and (item.sender_name or item.recipient_name):
        lines.append(_("Sender: %(sender)s; recipient: %(recipient)s", sender=item.sender_name or "—",
                       recipient=item.recipient_name or "—"))
    lines.append(_("Contact: %(name)s, %(phone)s", name=form.contact_name.data, phone=form.phone.data))
    lines.append(form.description.data.strip())
    problem = str(dict(PROBLEMS)[form.problem.data])
    order = api.open_work_order(user, type_code="complaint", category=CATEGORIES[form.problem.data],
                                subject=_("%(problem)s: mail item %(number)s", problem=problem, number=route.number),
                                description="\n".join(lines), customer_id=customer.id if customer else None,
                                extra={"ems.number": route.number})
    return order.number



def follow_order(order_number: str, status: str) -> None:
    """The booking of this pickup order takes ``status`` (from ``postline_ticket_changed``)."""
    pickup = api.db.session.scalar(select(EmsPickup).where(EmsPickup.order_number == order_number))
    if pickup is not None and pickup.status != status:
        pickup.status = status
        api.db.session.commit()
