"""The rules every channel shares (plugins/newspaper/orders.py): issuing codes, the months an
order, an address change and a cancellation count from, the fen charged and refunded, keys
that save an order once; and where orders show up for agents: the customer's timeline and the
screen pop."""
from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest
from newspaper_kit import CALLER, PIN
from sqlalchemy import select

from app import api
from app.pluginhost import collect
from plugins.newspaper import codes, orders
from plugins.newspaper.models import NewspaperAddressChange, NewspaperSubscriber, NewspaperSubscription
from plugins.newspaper.months import add_months, effective_month, months_between


@pytest.mark.parametrize("text, code", [
    ("1-1", "1-1"), ("1*1", "1-1"), ("01-001", "1-1"), ("８２－１２５", "82-125"), (" 54 - 17 ", "54-17"),
    ("1—1", "1-1"), ("11", None), ("1-", None), ("-1", None), ("1-1-1", None), ("0-1", None), ("a-1", None),
    ("", None), (None, None), ("12345-1", None),
])
def test_issuing_codes_in_every_spelling(text, code):
    assert codes.canonical(text) == code


def test_the_keypad_spelling_needs_exactly_one_star():
    assert codes.is_keypad_code("1*1") and codes.is_keypad_code("82*125")
    assert not codes.is_keypad_code("11") and not codes.is_keypad_code("1**1") and not codes.is_keypad_code("1-1")


@pytest.mark.parametrize("text, months", [
    ("1,3,6,12", [1, 3, 6, 12]), ("月、季、半年、年", [1, 3, 6, 12]), ("半年订，年订", [6, 12]), ("12", [12]),
    ("2", None), ("周", None), ("", None),
])
def test_periods(text, months):
    assert codes.parse_periods(text) == months


def test_the_order_deadline_decides_the_first_month():
    assert effective_month(date(2026, 12, 20), 20) == date(2027, 1, 1)
    assert effective_month(date(2026, 12, 21), 20) == date(2027, 2, 1)
    assert effective_month(date(2026, 11, 30), 28) == date(2027, 1, 1)
    assert add_months(date(2026, 11, 1), 14) == date(2028, 1, 1)
    assert months_between(date(2027, 5, 1), date(2028, 1, 1)) == 8
    assert months_between(date(2028, 1, 1), date(2027, 5, 1)) == 0


def test_an_order_costs_the_month_price_times_months_and_copies(app, paper_titles, paper_subscriber):
    saved = orders.subscribe(paper_subscriber, paper_titles["1-1"], 6, copies=2, day=date(2026, 12, 21))
    row = saved.row
    assert saved.created and (row.start, row.end, row.amount_fen) == (date(2027, 2, 1), date(2027, 8, 1),
                                                                       6 * 2 * 4800)
    assert (row.address, row.district, row.postcode) == ("鼓楼区五一北路1号", "鼓楼区", "350001")


def test_a_period_the_title_does_not_allow_and_a_closed_title_are_refused(app, paper_titles, paper_subscriber):
    with pytest.raises(orders.OrderError):
        orders.subscribe(paper_subscriber, paper_titles["54-17"], 3, day=date(2026, 12, 1))
    with pytest.raises(orders.OrderError):
        orders.subscribe(paper_subscriber, paper_titles["9-9"], 3, day=date(2026, 12, 1))
    assert orders.subscribe(paper_subscriber, paper_titles["9-9"], 3, day=date(2026, 11, 30)).created
    assert api.db.session.scalar(select(NewspaperSubscription.id).where(
        NewspaperSubscription.title_id == paper_titles["54-17"].id)) is None


def test_a_key_saves_an_order_once(app, paper_titles, paper_subscriber):
    first = orders.subscribe(paper_subscriber, paper_titles["1-1"], 1, day=date(2026, 12, 1), key="k" * 64)
    second = orders.subscribe(paper_subscriber, paper_titles["1-1"], 1, day=date(2026, 12, 1), key="k" * 64)
    assert first.created and not second.created and second.row.id == first.row.id
    change = orders.change_address(first.row, "台江区", "台江区八一七中路200号", "350004", day=date(2026, 12, 1),
                                   key="c" * 64)
    again = orders.change_address(first.row, "台江区", "台江区八一七中路200号", "350004", day=date(2026, 12, 1),
                                  key="c" * 64)
    assert change.created and not again.created
    assert len(api.db.session.scalars(select(NewspaperAddressChange)).all()) == 1
    assert orders.cancel(first.row, day=date(2026, 12, 1), key="x" * 64).created
    assert not orders.cancel(first.row, day=date(2026, 12, 1), key="x" * 64).created
    with pytest.raises(orders.OrderError):
        orders.cancel(first.row, day=date(2026, 12, 1), key="y" * 64)  # another cancellation: refused


def test_a_change_of_address_counts_from_the_next_month_it_can_change(app, paper_titles, paper_subscriber):
    row = orders.subscribe(paper_subscriber, paper_titles["1-1"], 12, day=date(2026, 12, 10)).row
    change = orders.change_address(row, "台江区", "台江区八一七中路200号", "350004", day=date(2027, 3, 25)).row
    assert change.effective == date(2027, 5, 1) and change.old_address == "鼓楼区五一北路1号"
    assert orders.current_address(row, date(2027, 4, 1)) == "鼓楼区五一北路1号"
    assert orders.current_address(row, date(2027, 5, 1)) == "台江区八一七中路200号"
    with pytest.raises(orders.OrderError):
        orders.change_address(row, "x", "x", "", day=date(2027, 12, 25))  # nothing left to change


@pytest.mark.parametrize("day, stop_from, months", [
    (date(2026, 12, 10), date(2027, 1, 1), 12),  # before it starts: everything back
    (date(2027, 1, 20), date(2027, 2, 1), 11),
    (date(2027, 1, 21), date(2027, 3, 1), 10),  # past the deadline: February is on its way
    (date(2027, 11, 20), date(2027, 12, 1), 1),
])
def test_a_cancellation_refunds_the_whole_months_not_yet_served(app, paper_titles, paper_subscriber, day,
                                                                 stop_from, months):
    row = orders.subscribe(paper_subscriber, paper_titles["1-1"], 12, copies=2, day=date(2026, 12, 10)).row
    orders.cancel(row, day=day)
    assert (row.status, row.stop_from, row.refund_months, row.refund_fen) == ("cancelled", stop_from, months,
                                                                              months * 2 * 4800)


def test_nothing_left_to_refund_cannot_be_cancelled(app, paper_titles, paper_subscriber):
    row = orders.subscribe(paper_subscriber, paper_titles["1-1"], 1, day=date(2026, 12, 10)).row
    with pytest.raises(orders.OrderError):
        orders.cancel(row, day=date(2026, 12, 25))
    assert row.status == "active"


def test_the_pin_is_stored_hashed_and_checked(app, paper_subscriber):
    stored = api.db.session.scalar(select(NewspaperSubscriber.pin_hash))
    assert PIN not in stored and stored.startswith("pbkdf2:")
    assert orders.check_pin(paper_subscriber.account, PIN)
    assert not orders.check_pin(paper_subscriber.account, "000000")
    assert not orders.check_pin("99999999", PIN)


def test_the_pin_never_reaches_the_audit_log(app, paper_subscriber):
    from app.audit.models import AuditLog

    paper_subscriber.set_pin("135790")
    api.db.session.commit()
    logged = " ".join(f"{e.before} {e.after}" for e in api.db.session.scalars(select(AuditLog)))
    assert paper_subscriber.pin_hash not in logged and PIN not in logged and "135790" not in logged


def _customer(phone: str = CALLER) -> api.Customer:
    customer = api.Customer(name="王芳")
    customer.phone = phone
    api.db.session.add(customer)
    api.db.session.commit()
    return customer


def test_a_subscriber_is_linked_to_the_customer_with_the_phone(app):
    customer = _customer()
    person = orders.register_subscriber("王芳", "138-0000-0001", "鼓楼区", "x", "", PIN)
    assert person.customer_id == customer.id
    other = orders.register_subscriber("李四", "13900000009", "鼓楼区", "x", "", PIN)
    assert other.customer_id is None


def test_orders_changes_and_cancellations_are_on_the_customer_timeline(app, paper_titles, login):
    customer = _customer()
    person = orders.register_subscriber("王芳", CALLER, "鼓楼区", "五一北路1号", "350001", PIN)
    row = orders.subscribe(person, paper_titles["1-1"], 12, day=date(2026, 12, 10)).row
    orders.change_address(row, "台江区", "台江区八一七中路200号", "350004", day=date(2027, 3, 1))
    orders.cancel(row, day=date(2027, 6, 1))
    html = login("agent").get(f"/customers/{customer.id}").get_data(as_text=True)
    assert "报刊订阅 《人民日报》(1-1)" in html
    assert "报刊改寄 《人民日报》(1-1)" in html and "2027-04-01 起改寄到 台江区八一七中路200号" in html
    assert "报刊退订 《人民日报》(1-1)" in html and "2027-07-01 起停止投递，退款 288.00 元" in html
    assert f'href="/p/newspaper/subscriptions/{row.id}"' in html


def test_the_screen_pop_shows_the_callers_running_subscriptions(app, paper_titles, paper_subscriber,
                                                               newspaper_today):
    row = orders.subscribe(paper_subscriber, paper_titles["1-1"], 3).row
    by_phone = collect("postline_screen_pop", call=SimpleNamespace(caller=CALLER, customer_id=None))
    (panel,) = [p for p in by_phone if p.plugin == "newspaper"]
    assert panel.rows == [("1-1 人民日报", f"订单 {row.id}，2027-01-01 至 2027-04-01")]
    assert PIN not in str(panel) and paper_subscriber.pin_hash not in str(panel)
    nobody = collect("postline_screen_pop", call=SimpleNamespace(caller="01012345678", customer_id=None))
    assert [p for p in nobody if p.plugin == "newspaper"] == []
    orders.cancel(row)
    gone = collect("postline_screen_pop", call=SimpleNamespace(caller=CALLER, customer_id=None))
    assert [p for p in gone if p.plugin == "newspaper"] == []
