"""Demo data for ``postline demo load``: a company, three members (one with a loan being
repaid, one whose application is being reviewed, one sealed account), a rate change, and
the branches' booking slots for the next working days. Telephone passwords of the demo:
members ``123456``, the company ``654321`` (documented in docs/housingfund.md)."""
from __future__ import annotations

from datetime import date, time, timedelta

from sqlalchemy import select

from app import api

from . import guide, idcard
from .centre import hash_password
from .models import BOOKING_KINDS, BookingSlot, FundCompany, FundLoan, FundMember

MEMBER_PASSWORD = "123456"
COMPANY_PASSWORD = "654321"
SLOT_TIMES = (time(9, 0), time(10, 30), time(14, 0), time(15, 30))
SLOT_CAPACITY = 3
SLOT_DAYS = 5


def id_card(first16: str, check: str | None = None) -> str:
    """A valid number from 16 digits: the 17th digit is chosen so that the check character
    is ``check`` when given (to have an ``X`` one), else ``0``."""
    for seventeenth in "0123456789":
        first17 = first16 + seventeenth
        found = idcard.check_character(first17)
        if check is None or found == check:
            return first17 + found
    raise ValueError(f"no 17th digit gives the check {check!r}")


COMPANY = dict(account="200000000001", name="示例科技有限公司", employees=36,
               monthly_deposit_fen=6_696_000, balance_fen=128_450_000, paid_until=date(2026, 11, 1))
MEMBERS = (
    dict(account="100000000001", id_card=id_card("1101051985063000"), card_number="6217000010000000001",
         name="张三", phone="13800000001", balance_fen=5_683_205, monthly_deposit_fen=186_000),
    dict(account="100000000002", id_card=id_card("3502031990010100", "X"), card_number="6217000010000000002",
         name="李四", phone="13800000002", balance_fen=2_310_050, monthly_deposit_fen=95_000),
    dict(account="100000000003", id_card=id_card("3505021978121200"), card_number=None,
         name="王五", phone="", balance_fen=1_200_000, monthly_deposit_fen=0, state="sealed"),
)
LOANS = (
    ("100000000001", dict(contract="GJJ2021000001", state="repaying", principal_fen=60_000_000,
                          balance_fen=48_732_116, term_months=360, monthly_fen=248_267, rate_bp=285)),
    ("100000000002", dict(contract="GJJ2026000015", state="reviewing", principal_fen=40_000_000,
                          balance_fen=0, term_months=240, monthly_fen=0, rate_bp=285)),
)


def working_days(start: date, count: int) -> list[date]:
    days, day = [], start
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def add_slots(first: date, days: int = SLOT_DAYS, capacity: int = SLOT_CAPACITY) -> int:
    """Slots of every branch and kind on the next ``days`` working days from ``first``;
    existing ones are left as they are."""
    session = api.db.session
    existing = set(session.execute(select(BookingSlot.kind, BookingSlot.branch, BookingSlot.day, BookingSlot.start)
                                   .where(BookingSlot.day >= first)).all())
    added = 0
    for day in working_days(first, days):
        for branch in guide.branches():
            for kind in BOOKING_KINDS:
                for start in SLOT_TIMES:
                    if (kind, branch.code, day, start) not in existing:
                        session.add(BookingSlot(kind=kind, branch=branch.code, day=day, start=start,
                                                capacity=capacity, booked=0))
                        added += 1
    return added


def load() -> dict[str, int]:
    session = api.db.session
    counts = {"housingfund_companies": 0, "housingfund_members": 0, "housingfund_loans": 0,
              "housingfund_slots": 0}
    company = session.scalar(select(FundCompany).where(FundCompany.account == COMPANY["account"]))
    if company is None:
        company = FundCompany(**COMPANY, password_hash=hash_password(COMPANY_PASSWORD))
        session.add(company)
        session.flush()
        counts["housingfund_companies"] += 1
    for values in MEMBERS:
        if session.scalar(select(FundMember.id).where(FundMember.account == values["account"])) is None:
            session.add(FundMember(**values, company_id=company.id, password_hash=hash_password(MEMBER_PASSWORD)))
            counts["housingfund_members"] += 1
    session.flush()
    for account, values in LOANS:
        if session.scalar(select(FundLoan.id).where(FundLoan.contract == values["contract"])) is None:
            member_id = session.scalar(select(FundMember.id).where(FundMember.account == account))
            today = api.local(api.utcnow()).date()  # type: ignore[union-attr]
            due = today + timedelta(days=2) if values["state"] == "repaying" else None
            session.add(FundLoan(member_id=member_id, next_due=due, **values))
            counts["housingfund_loans"] += 1
    counts["housingfund_slots"] = add_slots(api.local(api.utcnow()).date() + timedelta(days=1))  # type: ignore[union-attr]
    session.commit()
    return counts
