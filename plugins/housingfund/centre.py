"""The fund centre's system as the call centre sees it: an adapter interface
(:class:`FundCentre`) and its local implementation on this database
(:class:`LocalFundCentre`). A centre with its own core system writes another
implementation and names it in the plugin's ``adapter`` setting; the IVR nodes, the agent
pages and the reminders only ever talk to :func:`centre`.

Members and companies are referred to by an opaque ``ref`` (the local one: the row id as
text) so that nothing outside the adapter handles account numbers once the caller is
identified."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Protocol

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from app import api

from . import idcard
from .models import Booking, BookingSlot, FundCompany, FundLoan, FundMember

#: How a member identifies: fund account, ID-card number, co-branded card number.
METHODS = ("account", "idcard", "card")


@dataclass(frozen=True)
class MemberFacts:
    ref: str
    name: str
    account_masked: str
    state: str
    balance_fen: int
    monthly_deposit_fen: int
    company: str = ""


@dataclass(frozen=True)
class LoanFacts:
    contract: str
    state: str
    balance_fen: int
    term_months: int
    monthly_fen: int
    rate_bp: int
    next_due: date | None


@dataclass(frozen=True)
class CompanyFacts:
    ref: str
    name: str
    account_masked: str
    state: str
    employees: int
    monthly_deposit_fen: int
    balance_fen: int
    paid_until: date | None


@dataclass(frozen=True)
class Slot:
    id: int
    kind: str
    branch: str
    day: date
    start: time
    free: int


@dataclass(frozen=True)
class BookingResult:
    """``ok`` with the booking's id, or why not: ``full``, ``already`` or ``unknown``."""

    ok: bool
    reason: str = ""
    booking_id: int | None = None


class FundCentre(Protocol):
    """What PostLine asks of a fund centre's system."""

    def member_ref(self, method: str, identifier: str) -> str | None:
        """The member an identifier names (``None``: no such member), without a password:
        the lockout counts wrong passwords per member, whichever number was typed."""

    def check_member(self, ref: str, password: str) -> bool:
        """True when ``password`` is the member's telephone password."""

    def member(self, ref: str) -> MemberFacts | None: ...

    def loans(self, ref: str) -> list[LoanFacts]: ...

    def company_ref(self, account: str) -> str | None: ...

    def check_company(self, ref: str, password: str) -> bool: ...

    def company(self, ref: str) -> CompanyFacts | None: ...

    def open_slots(self, kind: str, branch: str, from_day: date, limit: int = 5) -> list[Slot]:
        """Slots of ``branch`` for ``kind`` on or after ``from_day`` with room left, in order."""

    def book(self, ref: str, slot_id: int, channel: str, agent_id: int | None = None,
             call_id: int | None = None) -> BookingResult:
        """Takes one place of the slot, never more than its capacity, even when many book at once."""


def _mask(value: str) -> str:
    return api.mask(value)


def _hash_method() -> str:
    return str(current_app.config.get("PASSWORD_HASH_METHOD") or "scrypt")


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=_hash_method())


class LocalFundCentre:
    """The fund centre's data in PostLine's own database (``housingfund_*`` tables)."""

    def member_ref(self, method: str, identifier: str) -> str | None:
        column = {"account": FundMember.account, "idcard": FundMember.id_card,
                  "card": FundMember.card_number}.get(method)
        if column is None or not identifier:
            return None
        if method == "idcard":
            identifier = idcard.normalise(identifier)
        found = api.db.session.scalar(select(FundMember.id).where(column == identifier))
        return None if found is None else str(found)

    def _member_row(self, ref: str) -> FundMember | None:
        return api.db.session.get(FundMember, int(ref)) if ref and ref.isdigit() else None

    def check_member(self, ref: str, password: str) -> bool:
        row = self._member_row(ref)
        return bool(row and row.password_hash and check_password_hash(row.password_hash, password))

    def member(self, ref: str) -> MemberFacts | None:
        row = self._member_row(ref)
        if row is None:
            return None
        company = api.db.session.get(FundCompany, row.company_id) if row.company_id else None
        return MemberFacts(str(row.id), row.name, _mask(row.account), row.state, row.balance_fen,
                           row.monthly_deposit_fen, company.name if company else "")

    def loans(self, ref: str) -> list[LoanFacts]:
        if not ref or not ref.isdigit():
            return []
        rows = api.db.session.scalars(select(FundLoan).where(FundLoan.member_id == int(ref))
                                      .order_by(FundLoan.id))
        return [LoanFacts(r.contract, r.state, r.balance_fen, r.term_months, r.monthly_fen, r.rate_bp, r.next_due)
                for r in rows]

    def company_ref(self, account: str) -> str | None:
        found = api.db.session.scalar(select(FundCompany.id).where(FundCompany.account == account))
        return None if found is None else str(found)

    def _company_row(self, ref: str) -> FundCompany | None:
        return api.db.session.get(FundCompany, int(ref)) if ref and ref.isdigit() else None

    def check_company(self, ref: str, password: str) -> bool:
        row = self._company_row(ref)
        return bool(row and row.password_hash and check_password_hash(row.password_hash, password))

    def company(self, ref: str) -> CompanyFacts | None:
        row = self._company_row(ref)
        if row is None:
            return None
        return CompanyFacts(str(row.id), row.name, _mask(row.account), row.state, row.employees,
                            row.monthly_deposit_fen, row.balance_fen, row.paid_until)

    def open_slots(self, kind: str, branch: str, from_day: date, limit: int = 5) -> list[Slot]:
        rows = api.db.session.scalars(
            select(BookingSlot).where(BookingSlot.kind == kind, BookingSlot.branch == branch,
                                      BookingSlot.day >= from_day, BookingSlot.booked < BookingSlot.capacity)
            .order_by(BookingSlot.day, BookingSlot.start).limit(limit))
        return [Slot(r.id, r.kind, r.branch, r.day, r.start, r.capacity - r.booked) for r in rows]

    def book(self, ref: str, slot_id: int, channel: str, agent_id: int | None = None,
             call_id: int | None = None) -> BookingResult:
        """One conditional UPDATE takes the place (``booked < capacity`` in its WHERE): the
        database serialises concurrent writers on the row, so the last place goes to exactly
        one of them on SQLite and PostgreSQL alike, without reading first. The booking row
        is added in the same transaction; a second booking of the same member for the same
        slot fails its unique constraint and gives the place back (rollback)."""
        session = api.db.session
        member = self._member_row(ref)
        if member is None or session.get(BookingSlot, slot_id) is None:
            return BookingResult(False, "unknown")
        taken = session.execute(
            update(BookingSlot).where(BookingSlot.id == slot_id, BookingSlot.booked < BookingSlot.capacity)
            .values(booked=BookingSlot.booked + 1).execution_options(synchronize_session=False))
        if taken.rowcount != 1:
            session.rollback()
            return BookingResult(False, "full")
        booking = Booking(slot_id=slot_id, member_id=member.id, channel=channel, agent_id=agent_id,
                          call_id=call_id, at=api.utcnow())
        session.add(booking)
        try:
            session.commit()
        except IntegrityError:
            session.rollback()
            return BookingResult(False, "already")
        return BookingResult(True, booking_id=booking.id)


ADAPTERS: dict[str, type] = {"local": LocalFundCentre}


def centre() -> FundCentre:
    """The adapter the site chose (setting ``adapter``)."""
    name = str(api.get_setting("housingfund", "adapter"))
    return ADAPTERS.get(name, LocalFundCentre)()


def slot_datetime(slot: Slot) -> datetime:
    return datetime.combine(slot.day, slot.start)
