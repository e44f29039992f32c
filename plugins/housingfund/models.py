"""The local fund-centre data (the database implementation of :mod:`.centre`) and what
the call centre itself keeps: bookings and their slots, which call identified whom, the
reminders sent.

Money is integer fen; days are the centre's local days; times are naive UTC. Passwords
are the six-digit telephone passwords, stored only as hashes and never logged (they are
listed in ``__audit_exclude__``)."""
from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app import api

#: Account states the fund centre reports (缴存 normal, 封存 sealed, 销户 closed).
MEMBER_STATES = ("normal", "sealed", "closed")
#: A loan from application to the end (受理, 审核, 审批, 放款/还款中, 结清).
LOAN_STATES = ("received", "reviewing", "approved", "repaying", "settled")
#: What a caller may book a branch visit for.
BOOKING_KINDS = ("loan", "repay", "withdraw")


class FundCompany(api.Audited, api.db.Model):
    """A company (单位) paying into the fund for its staff."""

    __tablename__ = "housingfund_company"
    __audit_exclude__ = ("password_hash",)

    id: Mapped[int] = mapped_column(primary_key=True)
    account: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(255), default="")
    state: Mapped[str] = mapped_column(String(16), default="normal")
    employees: Mapped[int] = mapped_column(default=0)
    monthly_deposit_fen: Mapped[int] = mapped_column(default=0)
    balance_fen: Mapped[int] = mapped_column(default=0)
    #: The last month paid for (its first day).
    paid_until: Mapped[date | None] = mapped_column(Date)


class FundMember(api.Audited, api.db.Model):
    """A member's personal account: found by account, ID-card or co-branded card number."""

    __tablename__ = "housingfund_member"
    __audit_exclude__ = ("password_hash",)

    id: Mapped[int] = mapped_column(primary_key=True)
    account: Mapped[str] = mapped_column(String(20), unique=True)
    id_card: Mapped[str] = mapped_column(String(18), unique=True)
    card_number: Mapped[str | None] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(40))
    #: The mobile reminders go to (11 digits), empty for none.
    phone: Mapped[str] = mapped_column(String(20), default="", index=True)
    password_hash: Mapped[str] = mapped_column(String(255), default="")
    company_id: Mapped[int | None] = mapped_column(ForeignKey("housingfund_company.id", ondelete="SET NULL"))
    state: Mapped[str] = mapped_column(String(16), default="normal")
    balance_fen: Mapped[int] = mapped_column(default=0)
    monthly_deposit_fen: Mapped[int] = mapped_column(default=0)


class FundLoan(api.Audited, api.db.Model):
    """A member's housing-fund loan, from its application on."""

    __tablename__ = "housingfund_loan"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("housingfund_member.id", ondelete="CASCADE"), index=True)
    contract: Mapped[str] = mapped_column(String(30), unique=True)
    state: Mapped[str] = mapped_column(String(16), default="received")
    principal_fen: Mapped[int] = mapped_column(default=0)
    balance_fen: Mapped[int] = mapped_column(default=0)
    term_months: Mapped[int] = mapped_column(default=0)
    monthly_fen: Mapped[int] = mapped_column(default=0)
    #: Yearly rate in hundredths of a percent (285: 2.85 %).
    rate_bp: Mapped[int] = mapped_column(default=0)
    next_due: Mapped[date | None] = mapped_column(Date, index=True)


class BookingSlot(api.db.Model):
    """A branch's time slot for one kind of visit, with how many it takes and how many
    are booked. ``booked <= capacity`` is kept by one conditional UPDATE (see
    :func:`.centre.LocalFundCentre.book`) and by a check constraint as a last guard."""

    __tablename__ = "housingfund_slot"
    __table_args__ = (
        UniqueConstraint("kind", "branch", "day", "start", name="uq_housingfund_slot_kind_branch_day_start"),
        CheckConstraint("booked >= 0 AND booked <= capacity", name="capacity"),
        Index("ix_housingfund_slot_kind_day", "kind", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    branch: Mapped[str] = mapped_column(String(16))
    day: Mapped[date] = mapped_column(Date)
    start: Mapped[time] = mapped_column(Time)
    capacity: Mapped[int] = mapped_column(default=0)
    booked: Mapped[int] = mapped_column(default=0)


class Booking(api.Audited, api.db.Model):
    """One member's booked visit; a member books a slot once."""

    __tablename__ = "housingfund_booking"
    __table_args__ = (UniqueConstraint("slot_id", "member_id", name="uq_housingfund_booking_slot_member"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("housingfund_slot.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("housingfund_member.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(8), default="ivr")  # ivr | agent
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    call_id: Mapped[int | None] = mapped_column(ForeignKey("ivr_call.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(default=api.utcnow)


class Identification(api.db.Model):
    """Which member (or company) the IVR identified on a call, so the agent who takes the
    call sees "identified as …" and may look up that member, and nobody else, without
    ever being told the account number or the password."""

    __tablename__ = "housingfund_identification"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("ivr_call.id", ondelete="CASCADE"), index=True)
    #: ``member`` or ``company``, and the adapter's reference to it.
    subject: Mapped[str] = mapped_column(String(8))
    ref: Mapped[str] = mapped_column(String(64))
    #: How: ``account``, ``idcard``, ``card`` or ``company``.
    method: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(default=api.utcnow)


class RateChange(api.Audited, api.db.Model):
    """A change of the loan rate, announced to every member repaying a loan."""

    __tablename__ = "housingfund_rate_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    effective_on: Mapped[date] = mapped_column(Date)
    new_rate_bp: Mapped[int] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=api.utcnow)


class Reminder(api.db.Model):
    """A reminder sent (or handed to the message log): one per member, kind and subject,
    so the job may run as often as it likes without repeating itself."""

    __tablename__ = "housingfund_reminder"
    __table_args__ = (UniqueConstraint("member_id", "kind", "about", name="uq_housingfund_reminder_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("housingfund_member.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8))  # due | rate
    about: Mapped[str] = mapped_column(String(32))
    message_id: Mapped[int | None] = mapped_column()
    at: Mapped[datetime] = mapped_column(default=api.utcnow)
