"""Subscribe, change the delivery address, cancel: the three orders, the same for an agent's
form and for the IVR, so both channels compute the same months and the same fen.

Each function commits. With a ``key`` (the IVR's, see :mod:`.models`) it is idempotent: the
second call with the same key returns what the first saved, with ``created`` False."""
from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app import api

from .models import (
    ACTIVE,
    AGENT,
    CANCELLED,
    NewspaperAddress,
    NewspaperAddressChange,
    NewspaperSubscriber,
    NewspaperSubscription,
    NewspaperTitle,
)
from .months import add_months, effective_month, months_between

ACCOUNT_DIGITS = 8
MAX_ADDRESSES = 9  # one key each on the telephone
ACCOUNT_BASE = 60000000  # accounts 60000001, 60000002...: eight digits, never a leading 0


class OrderError(ValueError):
    """A rule of the line refuses the order; the message is translated for the person."""


@dataclass(frozen=True)
class Saved:
    row: Any
    created: bool


def today() -> date:
    """Today in the centre's time zone."""
    return api.local(api.utcnow()).date()  # type: ignore[union-attr]


def digits_of(phone: str) -> str:
    return re.sub(r"\D", "", phone or "")


# --- look-ups ---------------------------------------------------------------------------------

def title_by_code(code: str | None) -> NewspaperTitle | None:
    if not code:
        return None
    return api.db.session.scalar(select(NewspaperTitle).where(NewspaperTitle.code == code))


def subscriber_by_account(account: str | None) -> NewspaperSubscriber | None:
    if not account:
        return None
    return api.db.session.scalar(select(NewspaperSubscriber).where(NewspaperSubscriber.account == account))


def check_pin(account: str, pin: str) -> bool:
    """For ``call.authenticate``: the PIN is compared with its hash, nothing is logged."""
    subscriber = subscriber_by_account(account)
    return subscriber is not None and subscriber.pin_matches(pin)


def running_subscription(subscriber: NewspaperSubscriber, title: NewspaperTitle,
                         day: date) -> NewspaperSubscription | None:
    """The subscriber's active subscription of ``title`` still to be delivered after
    ``day``'s month (the latest one when there are several)."""
    return api.db.session.scalar(
        select(NewspaperSubscription)
        .where(NewspaperSubscription.subscriber_id == subscriber.id,
               NewspaperSubscription.title_id == title.id,
               NewspaperSubscription.status == ACTIVE,
               NewspaperSubscription.end > day.replace(day=1))
        .order_by(NewspaperSubscription.end.desc(), NewspaperSubscription.id.desc()).limit(1))


def find_customer_id(phone_digits: str) -> int | None:
    """The customer with this phone number, when there is exactly one (a guess would put a
    stranger's orders on someone's timeline)."""
    if not phone_digits:
        return None
    phone_class = api.Customer.phones.property.mapper.class_
    ids = api.db.session.scalars(
        select(api.Customer.id).where(api.Customer.merged_into_id.is_(None),
                                      api.Customer.phones.any(phone_class.digits == phone_digits)).limit(2)).all()
    return ids[0] if len(ids) == 1 else None


# --- quotes (what is read back before the caller confirms) ---------------------------------------

@dataclass(frozen=True)
class OrderQuote:
    start: date
    end: date
    amount_fen: int


def quote_order(title: NewspaperTitle, months: int, copies: int, day: date) -> OrderQuote:
    if months not in title.period_months:
        raise OrderError("period")
    start = effective_month(day, title.deadline_day)
    return OrderQuote(start, add_months(start, months), title.price_month_fen * months * copies)


@dataclass(frozen=True)
class CancelQuote:
    stop_from: date
    months: int
    refund_fen: int


def quote_cancel(subscription: NewspaperSubscription, day: date) -> CancelQuote:
    """Whole months not yet served are refunded: from the first month the cancellation can
    still change (or the start, when it has not begun) to the end."""
    stop_from = max(subscription.start, effective_month(day, subscription.title.deadline_day))
    months = months_between(stop_from, subscription.end)
    return CancelQuote(stop_from, months, months * subscription.month_price_fen * subscription.copies)


# --- the orders ----------------------------------------------------------------------------

def _by_key(column: Any, key: str | None) -> Any:
    if not key:
        return None
    model = column.class_
    return api.db.session.scalar(select(model).where(column == key))


def _commit_once(column: Any, key: str | None) -> Saved | None:
    """Commits; on a unique-key race returns the row the other thread saved."""
    try:
        api.db.session.commit()
    except IntegrityError:
        api.db.session.rollback()
        existing = _by_key(column, key)
        if existing is None:
            raise
        return Saved(existing, False)
    return None


def register_subscriber(name: str, phone: str, district: str, detail: str, postcode: str, pin: str,
                        customer_id: int | None = None) -> NewspaperSubscriber:
    """A new subscriber with one address; the account number is made here."""
    digits = digits_of(phone)
    # a unique placeholder until the id gives the account (two registrations at once never meet)
    subscriber = NewspaperSubscriber(account=f"new-{uuid.uuid4().hex[:12]}", name=name, phone=phone, phone_digits=digits,
                                     customer_id=customer_id or find_customer_id(digits))
    subscriber.set_pin(pin)
    subscriber.addresses.append(NewspaperAddress(position=1, district=district, detail=detail, postcode=postcode))
    api.db.session.add(subscriber)
    api.db.session.flush()
    subscriber.account = str(ACCOUNT_BASE + subscriber.id)
    api.db.session.commit()
    return subscriber


def add_address(subscriber: NewspaperSubscriber, district: str, detail: str, postcode: str) -> NewspaperAddress:
    position = (api.db.session.scalar(select(func.max(NewspaperAddress.position))
                                      .where(NewspaperAddress.subscriber_id == subscriber.id)) or 0) + 1
    address = NewspaperAddress(subscriber_id=subscriber.id, position=position, district=district,
                               detail=detail, postcode=postcode)
    api.db.session.add(address)
    api.db.session.commit()
    return address


def subscribe(subscriber: NewspaperSubscriber, title: NewspaperTitle, months: int, copies: int = 1,
              address: NewspaperAddress | None = None, *, day: date | None = None, channel: str = AGENT,
              by: str = "", key: str | None = None) -> Saved:
    existing = _by_key(NewspaperSubscription.request_key, key)
    if existing is not None:
        return Saved(existing, False)
    day = day or today()
    if not title.orderable_on(day):
        raise OrderError("closed")
    quote = quote_order(title, months, copies, day)
    where = address or (subscriber.addresses[0] if subscriber.addresses else None)
    row = NewspaperSubscription(
        subscriber_id=subscriber.id, customer_id=subscriber.customer_id, title_id=title.id, months=months,
        copies=copies, start=quote.start, end=quote.end, month_price_fen=title.price_month_fen,
        amount_fen=quote.amount_fen, district=where.district if where else "",
        address=where.text if where else "", postcode=where.postcode if where else "",
        channel=channel, created_by=by[:100], request_key=key)
    api.db.session.add(row)
    return _commit_once(NewspaperSubscription.request_key, key) or Saved(row, True)


def change_by_key(key: str | None) -> NewspaperAddressChange | None:
    return _by_key(NewspaperAddressChange.request_key, key)


def current_address(subscription: NewspaperSubscription, month: date) -> str:
    """Where ``month``'s issues go: the latest change in force by then, else the order's."""
    text = subscription.address
    for change in subscription.changes:
        if change.effective <= month:
            text = change.address
    return text


def change_address(subscription: NewspaperSubscription, district: str, address: str, postcode: str, *,
                   day: date | None = None, channel: str = AGENT, by: str = "",
                   key: str | None = None) -> Saved:
    existing = _by_key(NewspaperAddressChange.request_key, key)
    if existing is not None:
        return Saved(existing, False)
    day = day or today()
    if subscription.status != ACTIVE:
        raise OrderError("cancelled")
    effective = max(subscription.start, effective_month(day, subscription.title.deadline_day))
    if effective >= subscription.end:
        raise OrderError("ended")
    row = NewspaperAddressChange(subscription_id=subscription.id, effective=effective,
                                 old_address=current_address(subscription, effective), district=district,
                                 address=address, postcode=postcode, channel=channel, created_by=by[:100],
                                 request_key=key)
    api.db.session.add(row)
    return _commit_once(NewspaperAddressChange.request_key, key) or Saved(row, True)


def cancel(subscription: NewspaperSubscription, *, day: date | None = None, by: str = "",
           key: str | None = None) -> Saved:
    if key and subscription.cancel_key == key:
        return Saved(subscription, False)
    if subscription.status != ACTIVE:
        raise OrderError("cancelled")
    quote = quote_cancel(subscription, day or today())
    if quote.months == 0:
        raise OrderError("ended")
    subscription.status = CANCELLED
    subscription.cancelled_at = api.utcnow()
    subscription.stop_from = quote.stop_from
    subscription.refund_months = quote.months
    subscription.refund_fen = quote.refund_fen
    subscription.cancel_key = key
    subscription.cancelled_by = by[:100]
    raced = _commit_once(NewspaperSubscription.cancel_key, key)
    return raced or Saved(subscription, True)


def error_text(error: OrderError) -> str:
    """The person's sentence for an :class:`OrderError`."""
    from flask_babel import gettext as _

    texts = {
        "period": _("This title cannot be ordered for that period."),
        "closed": _("Orders for this title are closed."),
        "cancelled": _("This subscription is already cancelled."),
        "ended": _("No month of this subscription is left to change."),
    }
    return texts.get(str(error), str(error))
