"""The line on the customer's page and on the agent's screen pop: what a customer ordered,
where it goes and what was cancelled. One indexed query each, with a limit."""
from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app import api

from .codes import PERIODS
from .models import ACTIVE, NewspaperSubscriber, NewspaperSubscription
from .orders import digits_of, today

LIMIT = 20


def _yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


def timeline(customer: api.Customer) -> list[api.TimelineEntry]:
    rows = api.db.session.scalars(
        select(NewspaperSubscription).where(NewspaperSubscription.customer_id == customer.id)
        .options(selectinload(NewspaperSubscription.changes), selectinload(NewspaperSubscription.title))
        .order_by(NewspaperSubscription.created_at.desc()).limit(LIMIT))
    entries: list[api.TimelineEntry] = []
    for row in rows:
        url = url_for("newspaper.subscription", number=row.id)
        name = f"《{row.title.title}》({row.title.code})"
        entries.append(api.TimelineEntry(
            f"newspaper.order.{row.id}", row.created_at,
            _("Newspaper order %(title)s", title=name),
            _("%(period)s from %(start)s, %(copies)s copies, %(amount)s yuan",
              period=PERIODS.get(row.months, row.months), start=row.start.isoformat(), copies=row.copies,
              amount=_yuan(row.amount_fen)), url=url))
        for change in row.changes:
            entries.append(api.TimelineEntry(
                f"newspaper.change.{change.id}", change.at, _("Newspaper address change %(title)s", title=name),
                _("to %(address)s from %(month)s", address=change.address, month=change.effective.isoformat()),
                url=url))
        if row.cancelled_at:
            entries.append(api.TimelineEntry(
                f"newspaper.cancel.{row.id}", row.cancelled_at, _("Newspaper cancelled %(title)s", title=name),
                _("delivery stops from %(month)s, %(amount)s yuan refunded",
                  month=row.stop_from.isoformat() if row.stop_from else "", amount=_yuan(row.refund_fen)),
                url=url))
    return entries


def screen_pop(call: object) -> list[api.ScreenPopPanel]:
    """The caller's running subscriptions: by the recognised customer, else by the phone
    the subscriber registered with."""
    customer_id = getattr(call, "customer_id", None)
    digits = digits_of(getattr(call, "caller", "") or "")
    if customer_id:
        who = NewspaperSubscription.customer_id == customer_id
    elif digits:
        who = NewspaperSubscription.subscriber_id.in_(
            select(NewspaperSubscriber.id).where(NewspaperSubscriber.phone_digits == digits))
    else:
        return []
    rows = list(api.db.session.scalars(
        select(NewspaperSubscription).options(selectinload(NewspaperSubscription.title))
        .where(who, NewspaperSubscription.status == ACTIVE, NewspaperSubscription.end > today().replace(day=1))
        .order_by(NewspaperSubscription.end).limit(5)))
    if not rows:
        return []
    return [api.ScreenPopPanel("newspaper.subscriptions", _("Newspaper subscriptions"), rows=[
        (f"{r.title.code} {r.title.title}",
         _("no. %(number)s, %(start)s to %(end)s", number=r.id, start=r.start.isoformat(),
           end=r.end.isoformat())) for r in rows], weight=60)]
