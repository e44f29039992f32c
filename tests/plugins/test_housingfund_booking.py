"""Branch bookings never overbook: many callers and agents taking the last places of one
slot at the same moment (threads, each with its own connection) get exactly its capacity,
on PostgreSQL and on SQLite, and every place taken has its booking."""
from __future__ import annotations

import threading
from datetime import date, time

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.testing.concurrency import at_once
from plugins.housingfund import demo
from plugins.housingfund.centre import LocalFundCentre, centre
from plugins.housingfund.models import Booking, BookingSlot, FundMember

WRITERS = 12


@pytest.fixture
def members(app) -> list[str]:
    demo.load()
    for i in range(WRITERS):
        db.session.add(FundMember(account=f"3000000000{i:02d}", id_card=demo.id_card(f"11010519800101{i:02d}"),
                                  name=f"测试{i}", password_hash=""))
    db.session.commit()
    return [str(m) for m in db.session.scalars(select(FundMember.id).order_by(FundMember.id))]


@pytest.fixture
def slot(app, members) -> int:
    row = BookingSlot(kind="loan", branch="b01", day=date(2030, 1, 7), start=time(9), capacity=3, booked=0)
    db.session.add(row)
    db.session.commit()
    return row.id


def booked(slot_id: int) -> tuple[int, int]:
    db.session.expire_all()
    return (db.session.get(BookingSlot, slot_id).booked,
            db.session.scalar(select(func.count()).select_from(Booking).where(Booking.slot_id == slot_id)))


def test_the_adapter_is_the_local_one_by_default(app):
    assert isinstance(centre(), LocalFundCentre)


def test_parallel_writers_meeting_after_their_read_never_overbook(app, members, slot):
    """The writers are made to meet right after their first statement (the moment a
    read-then-write save goes wrong); the capacity holds."""
    def save(ref: str):
        return lambda: centre().book(ref, slot, "agent")

    results = at_once(app, [save(ref) for ref in members[:6]], meet_after=lambda sql: "housingfund_slot" in sql)
    oks = [r for r in results if not isinstance(r, Exception) and r.ok]
    assert not [r for r in results if isinstance(r, Exception)], results
    assert len(oks) == 3
    assert {r.reason for r in results if not r.ok} == {"full"}
    assert booked(slot) == (3, 3)


def test_a_crowd_of_callers_for_the_last_places(app, members, slot):
    start = threading.Barrier(WRITERS)
    results: list = [None] * WRITERS

    def book(i: int) -> None:
        with app.app_context():
            start.wait(10)
            try:
                results[i] = centre().book(members[i], slot, "ivr")
            except Exception as exc:  # reported below
                db.session.rollback()
                results[i] = exc
            finally:
                db.session.remove()

    threads = [threading.Thread(target=book, args=(i,)) for i in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(1 for r in results if r.ok) == 3
    assert booked(slot) == (3, 3)


def test_the_same_member_twice_keeps_one_place(app, members, slot):
    assert centre().book(members[0], slot, "ivr").ok
    again = centre().book(members[0], slot, "agent")
    assert (again.ok, again.reason) == (False, "already")
    assert booked(slot) == (1, 1)


def test_an_unknown_member_or_slot_books_nothing(app, members, slot):
    assert centre().book("999999", slot, "ivr").reason == "unknown"
    assert centre().book(members[0], 999999, "ivr").reason == "unknown"
    assert booked(slot) == (0, 0)


def test_open_slots_leave_out_full_ones(app, members, slot):
    db.session.get(BookingSlot, slot).booked = 3
    db.session.commit()
    assert slot not in [s.id for s in centre().open_slots("loan", "b01", date(2030, 1, 1), limit=50)]
