"""What the EMS line stores: mail items and their tracking events (the local copy of the
postal network's tracking data), the tracking queries made (for the daily report, per
channel) and the pickup bookings (揽收) agents take on the phone."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import api

CHANNELS = ("ivr", "agent", "web")
PICKUP_STATES = ("booked", "done", "cancelled")


class EmsItem(api.Audited, api.db.Model):
    """A mail item. ``number`` is the S10 (``EA123456785CN``) or 13-digit domestic number;
    ``serial`` its 9 keyed digits (S10 serial and check digit), by which the IVR finds it.
    Phones are kept as national digits, so a caller's number finds his parcels."""

    __tablename__ = "ems_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(13), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    serial: Mapped[str] = mapped_column(String(13), index=True)
    service: Mapped[str] = mapped_column(String(32), default="")
    sender_name: Mapped[str] = mapped_column(String(100), default="")
    sender_phone: Mapped[str] = mapped_column(String(32), default="", index=True)
    recipient_name: Mapped[str] = mapped_column(String(100), default="")
    recipient_phone: Mapped[str] = mapped_column(String(32), default="", index=True)
    origin: Mapped[str] = mapped_column(String(100), default="")
    destination: Mapped[str] = mapped_column(String(100), default="")
    weight_g: Mapped[int | None] = mapped_column()
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=api.utcnow)

    events: Mapped[list[EmsEvent]] = relationship(order_by="EmsEvent.at", cascade="all, delete-orphan",
                                                  back_populates="item")


class EmsEvent(api.db.Model):
    """One tracking event: when (naive UTC), where, what, and the office that scanned it.
    An import never adds the same (item, time, event) twice."""

    __tablename__ = "ems_event"
    __table_args__ = (Index("ix_ems_event_item_at", "item_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("ems_item.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column()
    place: Mapped[str] = mapped_column(String(100), default="")
    event: Mapped[str] = mapped_column(String(200))
    office: Mapped[str] = mapped_column(String(100), default="")
    #: One of :data:`.events.STATUSES`, derived from ``event`` on import: what the IVR says.
    status: Mapped[str] = mapped_column(String(16), default="other")

    item: Mapped[EmsItem] = relationship(back_populates="events")


class EmsQuery(api.db.Model):
    """One tracking query, for the report: ``channel`` ivr, agent or web; ``number`` as
    looked up (9 keyed digits from the phone); ``found`` whether an item answered."""

    __tablename__ = "ems_query"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=api.utcnow, index=True)
    channel: Mapped[str] = mapped_column(String(8))
    number: Mapped[str] = mapped_column(String(13), default="")
    found: Mapped[bool] = mapped_column(default=False)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id", ondelete="SET NULL"), index=True)
    call_id: Mapped[int | None] = mapped_column(ForeignKey("ivr_call.id", ondelete="SET NULL"))


class EmsPickup(api.Audited, api.db.Model):
    """A pickup booking (上门揽收): where and when the courier comes, what he collects,
    and the service work order (``order_number``) the pickup department works from."""

    __tablename__ = "ems_pickup"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=api.utcnow, index=True)
    contact_name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str] = mapped_column(String(32))
    district: Mapped[str] = mapped_column(String(50), index=True)
    address: Mapped[str] = mapped_column(String(255))
    window_start: Mapped[datetime] = mapped_column()
    window_end: Mapped[datetime] = mapped_column()
    pieces: Mapped[int] = mapped_column(default=1)
    weight_g: Mapped[int | None] = mapped_column()
    contents: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="booked")
    order_number: Mapped[str] = mapped_column(String(20), default="", index=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id", ondelete="SET NULL"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
