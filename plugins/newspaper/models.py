"""What the newspaper line stores: the catalog of titles, the registered subscribers (with
their delivery addresses and a hashed telephone PIN), subscriptions, and address changes.

A cancellation is kept on its subscription (``cancelled_at``, the month delivery stops,
the whole months refunded and the refund in fen): a subscription is cancelled once.

``request_key`` / ``cancel_key`` make a telephone order idempotent: the IVR derives them
from the call's uniqueid, the flow step and what was asked, so a command Asterisk runs
again, or the same call replayed, finds the saved row instead of saving a second one (a
unique index, so two threads cannot both save)."""
from __future__ import annotations

from datetime import date, datetime

from flask import current_app
from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from app import api

ACTIVE, CANCELLED = "active", "cancelled"
AGENT, IVR = "agent", "ivr"


class NewspaperTitle(api.Audited, api.db.Model):
    """One title of the catalog. Prices are integer fen; ``periods`` the months a
    subscription may run, as ``"1,3,6,12"``; ``orders_until`` the last day orders are taken
    (None: all year)."""

    __tablename__ = "newspaper_title"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    title: Mapped[str] = mapped_column(String(100), index=True)
    publisher: Mapped[str] = mapped_column(String(100), default="")
    frequency: Mapped[str] = mapped_column(String(16), default="daily")
    price_issue_fen: Mapped[int] = mapped_column(default=0)
    price_month_fen: Mapped[int] = mapped_column(default=0)
    periods: Mapped[str] = mapped_column(String(32), default="1,3,6,12")
    deadline_day: Mapped[int] = mapped_column(default=20)
    orders_until: Mapped[date | None] = mapped_column(Date, default=None)
    active: Mapped[bool] = mapped_column(default=True)

    @property
    def period_months(self) -> list[int]:
        return [int(p) for p in self.periods.split(",") if p.strip().isdigit()]

    def orderable_on(self, day: date) -> bool:
        return self.active and (self.orders_until is None or day <= self.orders_until)


class NewspaperSubscriber(api.Audited, api.db.Model):
    """A registered subscriber: ``account`` and PIN open the telephone service. The PIN is
    stored only as a hash, never audited, logged or shown."""

    __tablename__ = "newspaper_subscriber"
    __audit_exclude__ = ("pin_hash",)

    id: Mapped[int] = mapped_column(primary_key=True)
    account: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str] = mapped_column(String(32), default="")
    phone_digits: Mapped[str] = mapped_column(String(32), default="", index=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id", ondelete="SET NULL"), index=True)
    pin_hash: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(default=api.utcnow)

    addresses: Mapped[list[NewspaperAddress]] = relationship(
        order_by="NewspaperAddress.position", cascade="all, delete-orphan", back_populates="subscriber")

    def set_pin(self, pin: str) -> None:
        method = str(current_app.config.get("PASSWORD_HASH_METHOD") or "scrypt")
        self.pin_hash = generate_password_hash(pin, method=method)

    def pin_matches(self, pin: str) -> bool:
        return bool(self.pin_hash) and check_password_hash(self.pin_hash, pin)


class NewspaperAddress(api.Audited, api.db.Model):
    """A delivery address of a subscriber; ``position`` 1, 2... is the number the caller
    presses to have a subscription sent there."""

    __tablename__ = "newspaper_address"

    id: Mapped[int] = mapped_column(primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("newspaper_subscriber.id", ondelete="CASCADE"),
                                               index=True)
    position: Mapped[int] = mapped_column(default=1)
    district: Mapped[str] = mapped_column(String(32), default="")
    detail: Mapped[str] = mapped_column(String(255), default="")
    postcode: Mapped[str] = mapped_column(String(6), default="")

    subscriber: Mapped[NewspaperSubscriber] = relationship(back_populates="addresses")

    @property
    def text(self) -> str:
        return f"{self.district}{self.detail}"


class NewspaperSubscription(api.Audited, api.db.Model):
    """An order: ``months`` of ``copies`` from ``start`` (a first of month) to ``end``
    (exclusive). ``amount_fen`` = month price × months × copies, fixed when ordered."""

    __tablename__ = "newspaper_subscription"

    id: Mapped[int] = mapped_column(primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("newspaper_subscriber.id"), index=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id", ondelete="SET NULL"), index=True)
    title_id: Mapped[int] = mapped_column(ForeignKey("newspaper_title.id"), index=True)
    months: Mapped[int] = mapped_column()
    copies: Mapped[int] = mapped_column(default=1)
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date] = mapped_column(Date, index=True)
    month_price_fen: Mapped[int] = mapped_column()
    amount_fen: Mapped[int] = mapped_column()
    district: Mapped[str] = mapped_column(String(32), default="")
    address: Mapped[str] = mapped_column(String(255), default="")
    postcode: Mapped[str] = mapped_column(String(6), default="")
    channel: Mapped[str] = mapped_column(String(8), default=AGENT)
    created_by: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(default=api.utcnow, index=True)
    status: Mapped[str] = mapped_column(String(16), default=ACTIVE)
    cancelled_at: Mapped[datetime | None] = mapped_column(default=None, index=True)
    cancelled_by: Mapped[str] = mapped_column(String(100), default="")
    stop_from: Mapped[date | None] = mapped_column(Date, default=None)
    refund_months: Mapped[int] = mapped_column(default=0)
    refund_fen: Mapped[int] = mapped_column(default=0)
    reminded_at: Mapped[datetime | None] = mapped_column(default=None)
    request_key: Mapped[str | None] = mapped_column(String(64), unique=True, default=None)
    cancel_key: Mapped[str | None] = mapped_column(String(64), unique=True, default=None)

    title: Mapped[NewspaperTitle] = relationship()
    subscriber: Mapped[NewspaperSubscriber] = relationship()
    changes: Mapped[list[NewspaperAddressChange]] = relationship(
        order_by="NewspaperAddressChange.id", back_populates="subscription")


class NewspaperAddressChange(api.Audited, api.db.Model):
    """改寄: from ``effective`` (a first of month) the subscription goes to the new address."""

    __tablename__ = "newspaper_address_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("newspaper_subscription.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=api.utcnow, index=True)
    effective: Mapped[date] = mapped_column(Date)
    old_address: Mapped[str] = mapped_column(String(255), default="")
    district: Mapped[str] = mapped_column(String(32), default="")
    address: Mapped[str] = mapped_column(String(255), default="")
    postcode: Mapped[str] = mapped_column(String(6), default="")
    channel: Mapped[str] = mapped_column(String(8), default=AGENT)
    created_by: Mapped[str] = mapped_column(String(100), default="")
    request_key: Mapped[str | None] = mapped_column(String(64), unique=True, default=None)

    subscription: Mapped[NewspaperSubscription] = relationship(back_populates="changes")
