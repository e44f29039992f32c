"""The profile's timeline: the customer's notes and whatever the other rooms and plugins
report through ``postline_customer_timeline`` (the calls room its calls, the work orders
theirs), newest first, a page at a time.

The entries come from several sources with no common table, so they are gathered and
sorted here; each source bounds what it returns (the calls room its latest calls)."""
from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from flask_babel import gettext as _

from app.customers.models import Customer
from app.declarations import TimelineEntry
from app.pluginhost import collect


@dataclass
class TimelinePage:
    items: list[TimelineEntry]
    number: int
    pages: int
    total: int


def entries(customer: Customer) -> list[TimelineEntry]:
    notes = [TimelineEntry(f"customers.note.{note.id}", note.at, _("Note by %(author)s", author=note.author or "—"),
                           detail=note.text, url=url_for("customers.detail", customer_id=customer.id))
             for note in customer.notes]
    found = notes + collect("postline_customer_timeline", customer=customer)
    return sorted(found, key=lambda entry: entry.at, reverse=True)


def page(customer: Customer, number: int, per_page: int) -> TimelinePage:
    found = entries(customer)
    pages = max(1, -(-len(found) // per_page))
    number = min(max(number, 1), pages)
    start = (number - 1) * per_page
    return TimelinePage(found[start:start + per_page], number, pages, len(found))
