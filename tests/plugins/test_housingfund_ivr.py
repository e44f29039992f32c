"""The 12329 IVR nodes as callers use them, through the simulator against the real
database (both backends): identification by fund account, ID card (X typed as *) and
co-branded card, the day's lockout after three wrong passwords counted per member, what
each node says (amounts in yuan, jiao and fen), wrong keys, 0 for an agent, * to repeat,
and a hangup at every command. The emulator's side is in test_housingfund_agi.py."""
from __future__ import annotations

import pytest
from sqlalchemy import delete, select, update

from app.extensions import db
from app.ivr.models import PinFailure
from app.ivr.simulator import simulate
from plugins.housingfund import demo
from plugins.housingfund.models import Booking, BookingSlot, Identification
from tests.plugins.housingfund_support import (
    COMPANY,
    COMPANY_PIN,
    LI_ID,
    PIN,
    WANG,
    ZHANG,
    ZHANG_CARD,
    ZHANG_ID,
    call,
    data_of,
    records,
)

METHOD, ASK_ACCOUNT, ASK_IDCARD, ASK_CARD = ("housingfund/ask-method", "housingfund/ask-account",
                                             "housingfund/ask-idcard", "housingfund/ask-card")
ASK_PASSWORD, IDENTIFIED = "housingfund/ask-password", "housingfund/identified"
ZHANG_BALANCE = ["housingfund/balance-is", "number:56832", "money-yuan", "money-ling", "number:5", "money-fen",
                 "housingfund/deposit-is", "number:1860", "money-yuan",
                 "housingfund/state-is", "housingfund/state-normal"]


@pytest.fixture(autouse=True)
def accounts(app):
    demo.load()


# --- identification ---------------------------------------------------------------------

def test_balance_by_fund_account_says_balance_deposit_and_state(app):
    t = call(app, "balance", ["1", ZHANG, PIN])
    assert t.heard == [METHOD, ASK_ACCOUNT, ASK_PASSWORD, IDENTIFIED, *ZHANG_BALANCE]
    assert t.variables["POSTLINE_OUTCOME"] == "done"
    (record,) = records()
    data = data_of(record)
    assert data["housingfund.identified"] == "张* 公积金账号 ********0001"
    assert data["housingfund.authenticated"] is True
    # nothing the agent sees holds the account or the password
    assert ZHANG not in record.data and PIN not in record.data and ZHANG not in record.path
    (row,) = db.session.scalars(select(Identification)).all()
    assert (row.call_id, row.subject, row.method) == (record.id, "member", "account")


def test_an_id_card_with_x_is_typed_with_a_star(app):
    assert LI_ID.endswith("X")
    t = call(app, "balance", ["2", LI_ID.replace("X", "*"), PIN])
    assert t.heard[:4] == [METHOD, ASK_IDCARD, ASK_PASSWORD, IDENTIFIED]
    assert t.heard[4:6] == ["housingfund/balance-is", "number:23100"]
    assert data_of(records()[-1])["housingfund.identified"] == "李* 身份证 " + "*" * 14 + LI_ID[-4:]


def test_an_id_card_with_a_wrong_check_character_is_asked_again(app):
    wrong = ZHANG_ID[:-1] + ("0" if ZHANG_ID[-1] != "0" else "1")
    t = call(app, "balance", ["2", wrong, ZHANG_ID, PIN])
    assert t.heard[:5] == [METHOD, ASK_IDCARD, "invalid-input", ASK_IDCARD, ASK_PASSWORD]
    assert t.heard[5:7] == [IDENTIFIED, "housingfund/balance-is"]


def test_a_co_branded_card_number_identifies_the_member(app):
    t = call(app, "balance", ["3", ZHANG_CARD, PIN])
    assert t.heard[:4] == [METHOD, ASK_CARD, ASK_PASSWORD, IDENTIFIED]
    assert t.heard[4:] == ZHANG_BALANCE


def test_a_wrong_password_is_said_so_and_asked_again(app):
    t = call(app, "balance", ["1", ZHANG, "000000", PIN])
    assert t.heard[:6] == [METHOD, ASK_ACCOUNT, ASK_PASSWORD, "auth-failed", ASK_PASSWORD, IDENTIFIED]
    assert db.session.scalar(select(PinFailure.id)) is not None


def test_three_wrong_passwords_lock_the_member_for_the_day_whichever_number_is_typed(app):
    t = call(app, "balance", ["1", ZHANG, "000000", "111111", "222222"])
    assert t.heard[-1] == "auth-locked"
    assert t.variables["POSTLINE_OUTCOME"] == "failed"  # the flow decides: an agent (test_housingfund_flow)
    # the right password by ID card the same day: still locked (counted per member)
    t = call(app, "balance", ["2", ZHANG_ID, PIN])
    assert t.heard == [METHOD, ASK_IDCARD, "auth-locked"]
    assert IDENTIFIED not in t.heard
    # another member is not affected
    t = call(app, "balance", ["1", WANG, PIN])
    assert IDENTIFIED in t.heard and "housingfund/state-sealed" in t.heard


def test_an_unknown_account_sounds_like_a_wrong_password(app):
    t = call(app, "balance", ["1", "999999999999", PIN, PIN, PIN])
    assert t.heard.count("auth-failed") == 2 and t.heard[-1] == "auth-locked"


def test_a_dry_run_stores_no_identification_and_no_pin_failure(app):
    t = simulate(app, "", ["1", ZHANG, "000000", PIN], script="node/housingfund.balance?line=12329")
    assert IDENTIFIED in t.heard
    assert db.session.scalar(select(Identification.id)) is None
    assert db.session.scalar(select(PinFailure.id)) is None


# --- the verbs' conventions ---------------------------------------------------------------

def test_zero_reaches_an_agent_at_every_question(app):
    for inputs in (["0"], ["1", "0"], ["1", ZHANG, "0"]):
        t = call(app, "balance", inputs)
        assert t.variables["POSTLINE_QUEUE"] == "12329", inputs
        assert "housingfund/balance-is" not in t.heard


def test_star_repeats_the_question(app):
    t = call(app, "balance", ["*", "1", ZHANG, "*", PIN])
    assert t.heard[:5] == [METHOD, METHOD, ASK_ACCOUNT, ASK_PASSWORD, ASK_PASSWORD]
    assert t.heard[-1] == "housingfund/state-normal"


def test_wrong_keys_until_the_tries_run_out_go_to_an_agent(app):
    t = call(app, "balance", ["7", "8", "9"])
    assert t.heard.count("invalid-input") == 2
    assert t.variables["POSTLINE_QUEUE"] == "12329" and records()[-1].outcome == "transferred"


def test_silence_is_asked_again_then_ends_politely(app):
    t = call(app, "balance", [None, None, None])
    assert t.heard.count("no-input") >= 2
    assert "housingfund/balance-is" not in t.heard


# --- what each node says ------------------------------------------------------------------

def test_loan_being_repaid_says_balance_term_monthly_and_next_due(app):
    t = call(app, "loan", ["1", ZHANG, PIN])
    said = t.heard[4:]
    assert said[:2] == ["housingfund/loan-progress", "housingfund/loan-state-repaying"]
    assert said[2:8] == ["housingfund/loan-balance", "number:487321", "money-yuan", "number:1", "money-jiao",
                         "number:6"][:6]
    assert "housingfund/loan-term" in said and said[said.index("housingfund/loan-term") + 1] == "number:360"
    monthly = said.index("housingfund/loan-monthly")
    assert said[monthly + 1:monthly + 6] == ["number:2482", "money-yuan", "number:6", "money-jiao", "number:7"]
    due = said.index("housingfund/loan-next-due")
    assert said[due + 1] .startswith("digits:") and said[due + 2] == "date-year"
    assert t.variables["POSTLINE_OUTCOME"] == "done"


def test_loan_application_progress(app):
    t = call(app, "loan", ["2", LI_ID.replace("X", "*"), PIN])
    assert t.heard[4:] == ["housingfund/loan-progress", "housingfund/loan-state-reviewing"]


def test_no_loan_is_said_so(app):
    t = call(app, "loan", ["1", WANG, PIN])
    assert t.heard[4:] == ["housingfund/no-loan"] and t.variables["POSTLINE_OUTCOME"] == "none"


def test_company_account_information(app):
    t = call(app, "company", [COMPANY, COMPANY_PIN])
    assert t.heard == ["housingfund/ask-company", "housingfund/ask-company-password", IDENTIFIED,
                       "housingfund/company-state", "housingfund/state-normal",
                       "housingfund/company-employees", "number:36", "housingfund/people",
                       "housingfund/company-deposit", "number:66960", "money-yuan",
                       "housingfund/company-balance", "number:1284500", "money-yuan",
                       "housingfund/company-paid-until", "digits:2026", "housingfund/year", "number:11",
                       "housingfund/month"]
    assert data_of(records()[-1])["housingfund.company_identified"] == "单位账号 ********0001"
    assert COMPANY not in records()[-1].data


def test_company_wrong_password_three_times_is_locked(app):
    t = call(app, "company", [COMPANY, "000000", "000001", "000002"])
    assert t.heard.count("auth-failed") == 2 and t.heard[-1] == "auth-locked"
    assert "housingfund/company-state" not in t.heard


def test_policy_guide_by_category(app):
    t = call(app, "policy", ["3"])
    assert t.heard == ["housingfund/policy-menu", "housingfund/policy/loan"]
    t = call(app, "policy", ["9", "2"])
    assert t.heard == ["housingfund/policy-menu", "invalid-input", "housingfund/policy-menu",
                       "housingfund/policy/withdraw"]


def test_branch_directory_by_district(app):
    t = call(app, "branches", ["3"])
    assert t.heard == ["housingfund/branch-menu", "housingfund/branch/b04", "housingfund/branch/b05"]


# --- booking ------------------------------------------------------------------------------

def bookings() -> list[Booking]:
    db.session.expire_all()
    return list(db.session.scalars(select(Booking).order_by(Booking.id)))


def test_booking_offers_the_next_open_slots_and_books_the_chosen_one(app):
    t = call(app, "booking", ["1", ZHANG, PIN, "3", "2", "2"])
    heard = t.heard
    assert heard[4:7] == ["housingfund/booking-kind", "housingfund/booking-branch", "housingfund/slot-intro"]
    assert heard.count("housingfund/slot-press") == 3
    assert heard[-3:-1] == ["housingfund/booked", "housingfund/booking-number"]
    (booking,) = bookings()
    slot = db.session.get(BookingSlot, booking.slot_id)
    assert (slot.kind, slot.branch, slot.booked, booking.channel) == ("withdraw", "b02", 1, "ivr")
    assert heard[-1] == f"digits:{booking.id:06d}"
    assert booking.call_id == records()[-1].id
    # the second slot offered was the one booked: 10:30 on the first day
    assert slot.start.strftime("%H:%M") == "10:30"
    assert "housingfund.booking" in data_of(records()[-1])


def test_a_full_slot_is_not_offered_and_a_full_branch_is_said_so(app):
    slots = db.session.scalars(select(BookingSlot).where(BookingSlot.kind == "loan",
                                                         BookingSlot.branch == "b03")).all()
    for slot in slots:
        slot.booked = slot.capacity
    db.session.commit()
    t = call(app, "booking", ["1", ZHANG, PIN, "1", "3"])
    assert t.heard[-1] == "housingfund/no-slot" and t.variables["POSTLINE_OUTCOME"] == "full"
    assert bookings() == []


def test_booking_the_same_slot_twice_is_said_so(app):
    call(app, "booking", ["1", ZHANG, PIN, "2", "1", "1"])
    t = call(app, "booking", ["1", ZHANG, PIN, "2", "1", "1"])
    assert t.heard[-1] == "housingfund/already-booked"
    assert len(bookings()) == 1
    assert db.session.get(BookingSlot, bookings()[0].slot_id).booked == 1


def test_a_dry_run_books_nothing(app):
    t = simulate(app, "", ["1", ZHANG, PIN, "1", "1", "1"], script="node/housingfund.booking?line=12329")
    assert t.heard[-1] == "housingfund/booked"
    assert bookings() == []


# --- hangups ------------------------------------------------------------------------------

@pytest.mark.parametrize("name,inputs", [
    ("balance", ["1", ZHANG, PIN]),
    ("loan", ["1", ZHANG, PIN]),
    ("company", [COMPANY, COMPANY_PIN]),
    ("booking", ["1", ZHANG, PIN, "1", "1", "1"]),
    ("policy", ["1"]),
    ("branches", ["1"]),
    ("identify", ["2", ZHANG_ID, PIN]),
])
def test_a_hangup_at_any_command_leaves_one_closed_record(app, name, inputs):
    full = call(app, name, inputs)
    assert full.variables["POSTLINE_OUTCOME"]
    commands = len(full.heard)
    for n in range(commands):
        forget_bookings()  # each try may book the same slot again
        t = call(app, name, inputs, hangup_after=n)
        assert t.outcome == "hung_up", (name, n)
        assert "POSTLINE_OUTCOME" not in t.variables
        # a place is taken only with its booking: none is lost to a hangup
        assert sum(s.booked for s in db.session.scalars(select(BookingSlot))) == len(bookings())
    found = records()
    assert len(found) == commands + 1
    assert all(r.ended_at is not None and r.outcome for r in found)


def forget_bookings() -> None:
    db.session.execute(delete(Booking))
    db.session.execute(update(BookingSlot).values(booked=0))
    db.session.commit()
