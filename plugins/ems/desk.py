"""What the line shows around a call: the screen-pop panel (the item the caller asked
about in the IVR, and the caller's parcels) and the customer's timeline (his bookings,
queries and items). Each is one or two indexed queries with a limit: they run on every pop
and every customer page."""
from __future__ import annotations

import json

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import or_, select

from app import api

from .models import EmsItem, EmsPickup, EmsQuery
from .queries import DATA_NUMBER
from .tracking import service

MOST_ITEMS = 5
MOST_ENTRIES = 20


def _asked_number(call_id: int | None) -> str:
    if not call_id:
        return ""
    record = api.db.session.get(api.CallRecord, call_id)
    try:
        data = json.loads(record.data or "{}") if record is not None else {}
    except ValueError:
        return ""
    value = data.get(DATA_NUMBER, "") if isinstance(data, dict) else ""
    return str(value)[:13]


def _status_text(number: str) -> str:
    route = service().route(number)
    if route is None or route.latest is None:
        return _("No data yet")
    latest = route.latest
    return f"{api.local(latest.at):%Y-%m-%d %H:%M} {latest.place} {latest.event}".strip()


def screen_pop(call: object) -> list[api.ScreenPopPanel]:
    """The number the caller typed in the IVR (with its latest status) and the items sent
    to or by the caller's phone."""
    rows: list[tuple[str, str]] = []
    asked = _asked_number(getattr(call, "call_id", None))
    if asked:
        rows.append((_("Number asked in the IVR"), asked))
        rows.append((_("Latest status"), _status_text(asked)))
    digits = api.national_digits(getattr(call, "caller", ""))
    if digits:
        items = api.db.session.scalars(
            select(EmsItem).where(or_(EmsItem.sender_phone == digits, EmsItem.recipient_phone == digits))
            .order_by(EmsItem.created_at.desc(), EmsItem.id.desc()).limit(MOST_ITEMS))
        for item in items:
            if item.number != asked:
                rows.append((item.number, _status_text(item.number)))
    if not rows:
        return []
    return [api.ScreenPopPanel("ems.items", _("EMS items"), rows=rows, weight=40)]


def timeline(customer: api.Customer) -> list[api.TimelineEntry]:
    """Bookings, agents' queries for the customer, and items to or from his phones."""
    entries: list[api.TimelineEntry] = []
    pickups = api.db.session.scalars(select(EmsPickup).where(EmsPickup.customer_id == customer.id)
                                     .order_by(EmsPickup.created_at.desc()).limit(MOST_ENTRIES))
    for p in pickups:
        entries.append(api.TimelineEntry(
            f"ems.pickup.{p.id}", p.created_at,
            _("EMS pickup booked: %(district)s %(address)s", district=p.district, address=p.address),
            detail=_("Time window %(start)s–%(end)s, work order %(number)s",
                     start=f"{api.local(p.window_start):%Y-%m-%d %H:%M}", end=f"{api.local(p.window_end):%H:%M}",
                     number=p.order_number or "—"),
            url=url_for("tickets.detail", number=p.order_number) if p.order_number else ""))
    queries = api.db.session.scalars(select(EmsQuery).where(EmsQuery.customer_id == customer.id)
                                     .order_by(EmsQuery.at.desc()).limit(MOST_ENTRIES))
    for q in queries:
        entries.append(api.TimelineEntry(
            f"ems.query.{q.id}", q.at, _("EMS item %(number)s tracked", number=q.number),
            detail=_("found") if q.found else _("no data yet"),
            url=url_for("ems.index", number=q.number)))
    digits = [phone.digits for phone in customer.phones if phone.digits]
    if digits:
        items = api.db.session.scalars(
            select(EmsItem).where(or_(EmsItem.sender_phone.in_(digits), EmsItem.recipient_phone.in_(digits),
                                      EmsItem.customer_id == customer.id))
            .order_by(EmsItem.created_at.desc()).limit(MOST_ENTRIES))
        for item in items:
            entries.append(api.TimelineEntry(
                f"ems.item.{item.number}", item.created_at, _("EMS item %(number)s", number=item.number),
                detail=f"{item.origin} → {item.destination}".strip(" →"),
                url=url_for("ems.index", number=item.number)))
    return entries
