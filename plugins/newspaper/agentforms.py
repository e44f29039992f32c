"""What the agent's forms do once valid (``AgentForm.handle``): save through :mod:`.orders`
and return the sentence flashed to the agent, with the numbers the caller needs."""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from app import api

from . import codes, orders
from .forms import AddAddressForm, CancelForm, ChangeAddressForm, RegisterForm, SubscribeForm
from .models import NewspaperSubscription


def yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


def _by(user: Any) -> str:
    return getattr(user, "username", "") or ""


def register(form: RegisterForm, user: Any) -> str:
    subscriber = orders.register_subscriber(form.name.data, form.phone.data, form.district.data,
                                            form.detail.data, form.postcode.data or "", form.pin.data)
    return _("Subscriber %(name)s registered: account %(account)s.", name=subscriber.name,
             account=subscriber.account)


def add_address(form: AddAddressForm, user: Any) -> str:
    subscriber = orders.subscriber_by_account(form.account.data)
    assert subscriber is not None  # the form's validators saw to it
    address = orders.add_address(subscriber, form.district.data, form.detail.data, form.postcode.data or "")
    return _("Address %(position)s of subscriber %(account)s: %(address)s.", position=address.position,
             account=subscriber.account, address=address.text)


def subscribe(form: SubscribeForm, user: Any) -> str:
    subscriber = orders.subscriber_by_account(form.account.data)
    title = orders.title_by_code(form.code.data)
    assert subscriber is not None and title is not None  # the form's validators saw to it
    address = next((a for a in subscriber.addresses if a.position == form.address_number.data), None)
    saved = orders.subscribe(subscriber, title, int(form.period.data), form.copies.data, address, by=_by(user))
    row = saved.row
    return _("Subscription %(number)s: %(title)s (%(code)s), %(period)s from %(start)s, %(amount)s yuan.",
             number=row.id, title=title.title, code=title.code, period=codes.PERIODS[row.months],
             start=row.start.isoformat(), amount=yuan(row.amount_fen))


def _subscription(number: int) -> NewspaperSubscription:
    row = api.db.session.scalar(select(NewspaperSubscription).where(NewspaperSubscription.id == number))
    assert row is not None  # the form's validators saw to it
    return row


def change_address(form: ChangeAddressForm, user: Any) -> str:
    subscription = _subscription(form.number.data)
    saved = orders.change_address(subscription, form.district.data, form.district.data + form.detail.data,
                                  form.postcode.data or "", by=_by(user))
    return _("Subscription %(number)s goes to %(address)s from %(month)s.", number=subscription.id,
             address=saved.row.address, month=saved.row.effective.isoformat())


def cancel(form: CancelForm, user: Any) -> str:
    subscription = _subscription(form.number.data)
    orders.cancel(subscription, by=_by(user))
    return _("Subscription %(number)s cancelled from %(month)s: %(months)s months refunded, %(amount)s yuan.",
             number=subscription.id, month=subscription.stop_from.isoformat() if subscription.stop_from else "",
             months=subscription.refund_months, amount=yuan(subscription.refund_fen))
