"""The message log as team leaders and administrators read it: filtered by status, channel
and local date, newest first, a page at a time; recipients masked unless the reader holds
``notify.recipients``."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select

from app.extensions import clamped_page
from app.notify.addresses import CHANNELS, EMAIL, SMS
from app.notify.models import FAILED, PENDING, QUEUED, SENT, STATUSES, Message
from app.timeutil import parse_day, within_days

PAGE_SIZE = 50

STATUS_LABELS = {PENDING: _l("Sending"), QUEUED: _l("Handed to the gateway"), SENT: _l("Sent"),
                 FAILED: _l("Failed")}
CHANNEL_LABELS = {SMS: _l("SMS"), EMAIL: _l("E-mail")}


@dataclass
class Filters:
    status: str = ""
    channel: str = ""
    date_from: str = ""
    date_to: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    def args(self) -> dict[str, str]:
        """The filters for a link (empty ones left out), so the pager keeps them."""
        names = ("status", "channel", "date_from", "date_to")
        return {n: getattr(self, n) for n in names if getattr(self, n)}


@dataclass
class Page:
    messages: list[Message]
    number: int
    pages: int
    total: int


def read_filters(args: Any) -> Filters:
    """The filters from the query string; an unknown value is a message, not a 500."""
    filters = Filters(**{n: (args.get(n) or "").strip()[:20]
                         for n in ("status", "channel", "date_from", "date_to")})
    if filters.status and filters.status not in STATUSES:
        filters.errors["status"] = _("Unknown status.")
    if filters.channel and filters.channel not in CHANNELS:
        filters.errors["channel"] = _("Unknown channel.")
    for name in ("date_from", "date_to"):
        if getattr(filters, name) and parse_day(getattr(filters, name)) is None:
            filters.errors[name] = _("Not a date (YYYY-MM-DD).")
    return filters


def filtered(filters: Filters) -> Select:
    query = select(Message)
    if filters.status and "status" not in filters.errors:
        query = query.where(Message.status == filters.status)
    if filters.channel and "channel" not in filters.errors:
        query = query.where(Message.channel == filters.channel)
    start = parse_day(filters.date_from) if "date_from" not in filters.errors else None
    end = parse_day(filters.date_to) if "date_to" not in filters.errors else None
    return query.where(*within_days(Message.created_at, start, end))


def message_page(filters: Filters, wanted: int) -> Page:
    """Page ``wanted`` of the filtered log, newest first; past the end, the last page."""
    rows, number, pages, total = clamped_page(filtered(filters), Message.id.desc(), wanted, PAGE_SIZE)
    return Page(list(rows), number, pages, total)


