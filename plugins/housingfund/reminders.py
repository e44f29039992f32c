"""Reminders to members by SMS (seed 004 §2.3.2.3: 贷款还款时限, 贷款利率变动), sent by a
daily job through PostLine's message log (``api.send_message``), which hands them to the
SMS notifier the site chose and retries failures on its own.

Each reminder is sent once: a :class:`~.models.Reminder` row per member, kind and subject
(the due date, the rate change) is written in the same transaction as the message, and a
unique constraint refuses the second. The job may therefore run as often as wanted."""
from __future__ import annotations

from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app import api

from .models import FundLoan, FundMember, RateChange, Reminder

DUE, RATE = "due", "rate"


def _yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


def _rate(bp: int) -> str:
    return f"{bp // 100}.{bp % 100:02d}%"


def _day(day: date) -> str:
    return f"{day.year}-{day.month:02d}-{day.day:02d}"


def due_text(loan: FundLoan) -> str:
    assert loan.next_due is not None
    return _("[12329 Housing Fund] Dear member, %(amount)s yuan of your fund loan (contract ending %(tail)s) "
             "is due on %(day)s. Please repay in full and on time.",
             amount=_yuan(loan.monthly_fen), tail=loan.contract[-4:], day=_day(loan.next_due))


def rate_text(change: RateChange) -> str:
    return _("[12329 Housing Fund] Dear member, from %(day)s the yearly rate of fund loans is %(rate)s; "
             "your monthly repayment changes with it. Call 12329 for details.",
             day=_day(change.effective_on), rate=_rate(change.new_rate_bp))


def _send_once(member: FundMember, kind: str, about: str, text: str) -> bool:
    session = api.db.session
    reminder = Reminder(member_id=member.id, kind=kind, about=about)
    session.add(reminder)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        return False
    message = api.send_message("sms", member.phone, text, about=("housingfund_member", member.id))
    reminder.message_id = message.id
    session.commit()
    return True


def _already(member_id: int, kind: str, about: str) -> bool:
    return api.db.session.scalar(select(Reminder.id).where(
        Reminder.member_id == member_id, Reminder.kind == kind, Reminder.about == about)) is not None


def send_reminders(today: date | None = None) -> dict[str, int]:
    """Due-date reminders for repayments due within ``reminder_days`` (the setting), and
    one message per rate change to every member repaying a loan. Members without a mobile
    number are skipped. Returns how many of each were sent."""
    today = today or api.local(api.utcnow()).date()  # type: ignore[union-attr]
    days = int(api.get_setting("housingfund", "reminder_days"))
    sent = {DUE: 0, RATE: 0}
    due = api.db.session.execute(
        select(FundLoan, FundMember).join(FundMember, FundMember.id == FundLoan.member_id)
        .where(FundLoan.state == "repaying", FundLoan.next_due >= today,
               FundLoan.next_due <= today + timedelta(days=days), FundMember.phone != "")
        .order_by(FundLoan.id)).all()
    for loan, member in due:
        about = f"{loan.id}:{loan.next_due.isoformat()}"
        if not _already(member.id, DUE, about) and _send_once(member, DUE, about, due_text(loan)):
            sent[DUE] += 1
    changes = api.db.session.scalars(select(RateChange).where(RateChange.effective_on >= today - timedelta(days=30))
                                     .order_by(RateChange.id)).all()
    for change in changes:
        members = api.db.session.scalars(
            select(FundMember).where(FundMember.phone != "", FundMember.id.in_(
                select(FundLoan.member_id).where(FundLoan.state == "repaying"))).order_by(FundMember.id)).all()
        for member in members:
            about = str(change.id)
            if not _already(member.id, RATE, about) and _send_once(member, RATE, about, rate_text(change)):
                sent[RATE] += 1
    return sent


def reminder_job() -> None:
    """The worker's daily job."""
    send_reminders()
