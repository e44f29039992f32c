"""``housingfund.bookings``: what the 12329 self-service did, per day — callers identified
(by fund account, ID card, co-branded card, company account) and branch visits booked (by
kind, branch and channel). The line's call statistics of seed 004 §3.3 are not computed
here: they are the core's ``housingfund-12329`` report (see docs/housingfund.md).

Days are the centre's (``api.local``); rows are grouped in Python after the database
selected the range, so the same code runs on SQLite and PostgreSQL."""
from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from flask_babel import gettext as _
from openpyxl import Workbook
from sqlalchemy import select

from app import api

from . import guide
from .forms import KIND_LABELS
from .models import Booking, BookingSlot, Identification

#: The report's form: the centre's last 30 days by default.
BookingReportForm = api.LastDaysForm


def method_label(method: str) -> str:
    labels = {"account": _("fund account"), "idcard": _("ID card"), "card": _("co-branded card"),
              "company": _("company account")}
    return labels.get(method, method)


def channel_label(channel: str) -> str:
    return {"ivr": _("Telephone (IVR)"), "agent": _("Agent")}.get(channel, channel)


def build(params: dict[str, Any]) -> Workbook:
    start, end = api.last_days(params)
    if isinstance(start, str):
        start = date.fromisoformat(start)
    if isinstance(end, str):
        end = date.fromisoformat(end)
    low, high = api.utc_bounds(start, end)
    session = api.db.session
    identified: Counter[tuple[date, str]] = Counter()
    for at, method in session.execute(select(Identification.at, Identification.method)
                                      .where(Identification.at >= low, Identification.at < high)):
        identified[(api.local(at).date(), method)] += 1  # type: ignore[union-attr]
    booked: Counter[tuple[date, str, str, str]] = Counter()
    for at, channel, kind, branch in session.execute(
            select(Booking.at, Booking.channel, BookingSlot.kind, BookingSlot.branch)
            .join(BookingSlot, BookingSlot.id == Booking.slot_id).where(Booking.at >= low, Booking.at < high)):
        booked[(api.local(at).date(), kind, branch, channel)] += 1  # type: ignore[union-attr]
    wb = Workbook(write_only=True)
    api.add_table_sheet(wb, _("Callers identified"), [
        api.Column(_("Date"), 12, "yyyy-mm-dd"), api.Column(_("Identified by"), 16), api.Column(_("Callers"), 10, "0")],
        [(day, method_label(method), n) for (day, method), n in sorted(identified.items())])
    api.add_table_sheet(wb, _("Visits booked"), [
        api.Column(_("Date"), 12, "yyyy-mm-dd"), api.Column(_("Visit for"), 14), api.Column(_("Branch"), 28),
        api.Column(_("Booked by"), 14), api.Column(_("Bookings"), 10, "0")],
        [(day, str(KIND_LABELS.get(kind, kind)), guide.branch_name(branch), channel_label(channel), n)
         for (day, kind, branch, channel), n in sorted(booked.items())])
    return wb
