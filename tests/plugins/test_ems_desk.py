"""The EMS line at the agent's desk, through the web client on both backends: item search
and the full route, the check digit refused on the page, "no data yet", the complaint
prefilled from an item, the pickup booking that opens a service work order for the pickup
department, the customer timeline and the screen pop."""
from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app import api
from app.agents.models import DeskCall
from app.auth.models import Department
from app.calls.models import CallRecord
from app.customers.models import Customer, CustomerPhone
from app.extensions import db
from app.testing import submit
from app.tickets.models import TicketCategory, WorkOrder
from app.tickets.states import apply
from plugins.ems.forms import today
from tests.plugins.ems_kit import DOMESTIC_NUMBER, S10_NUMBER, add_item, pickups, queries


def html(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def agent(make_user):
    return make_user("agent")


@pytest.fixture
def client(client_for, agent):
    return client_for(agent)


@pytest.fixture
def pickup_department(app):
    department = Department(code="ems", name="速递物流部")
    db.session.add(department)
    db.session.commit()
    return department


def customer_with_phone(name: str, number: str) -> Customer:
    customer = Customer(name=name)
    customer.phones.append(CustomerPhone(number=number))
    db.session.add(customer)
    db.session.commit()
    return customer


# --- search and route ------------------------------------------------------------------------

def test_an_agent_finds_an_item_and_sees_its_full_route_newest_first(app, client, agent):
    add_item()
    page = html(client.get(f"/p/ems/?number={S10_NUMBER.lower()}"))
    assert f'data-number="{S10_NUMBER}"' in page
    assert re.findall(r'data-event="(\w+)"', page) == ["out_for_delivery", "departed", "accepted"]
    assert "2026-11-21 10:15" in page and "上海市黄浦区南京东路营业部" in page  # local time, the office
    assert "最新" in page
    assert [(q.channel, q.number, q.found, q.user_id) for q in queries()] == [("agent", S10_NUMBER, True, agent.id)]


def test_a_wrong_check_digit_is_refused_on_the_page_in_chinese(app, client):
    add_item()
    response = client.get("/p/ems/?number=EA123456784CN")
    assert response.status_code == 400
    assert "校验位错误" in html(response) and queries() == []


def test_a_malformed_number_is_a_chinese_form_error(app, client):
    response = client.get("/p/ems/?number=12345")
    assert response.status_code == 400 and "邮件号码为 2 个字母" in html(response)


def test_an_unknown_item_is_no_data_yet_and_counted_as_not_found(app, client):
    page = html(client.get(f"/p/ems/?number={DOMESTIC_NUMBER}"))
    assert 'data-result="no-data"' in page and "暂无该邮件的信息" in page
    assert [(q.number, q.found) for q in queries()] == [(DOMESTIC_NUMBER, False)]


def test_an_item_without_events_is_no_data_yet(app, client):
    add_item(events=())
    assert 'data-result="no-data"' in html(client.get(f"/p/ems/?number={S10_NUMBER}"))


def test_the_search_page_needs_the_permission(app, client_for, make_user):
    assert client_for(make_user()).get("/p/ems/").status_code == 403


def test_a_query_from_a_customer_page_lands_on_his_timeline(app, client):
    add_item()
    customer = customer_with_phone("王芳", "13800000002")
    client.get(f"/p/ems/?number={S10_NUMBER}&customer_id={customer.id}")
    page = html(client.get(f"/customers/{customer.id}"))
    assert f"查询 EMS 邮件 {S10_NUMBER}" in page


def test_items_to_a_customers_phone_are_on_his_timeline(app, client):
    add_item(recipient_phone="13800000002", origin="北京市", destination="上海市")
    customer = customer_with_phone("王芳", "138-0000-0002")
    assert f"EMS 邮件 {S10_NUMBER}" in html(client.get(f"/customers/{customer.id}"))


# --- complaint ------------------------------------------------------------------------------

def test_a_damaged_item_complaint_is_prefilled_from_the_item(app, client, agent):
    add_item(sender_name="北京示例商贸", recipient_name="王芳")
    customer = customer_with_phone("王芳", "13800000002")
    page = html(client.get(f"/p/ems/?number={S10_NUMBER}"))
    assert f"/p/ems/items/{S10_NUMBER}/complaint?problem=damaged" in page
    url = f"/p/ems/items/{S10_NUMBER}/complaint"
    form = html(client.get(url + "?problem=lost"))
    assert 'selected value="lost"' in form and "正在派送" in form
    response = submit(client, url, {"problem": "damaged", "contact_name": "王芳", "phone": "13800000002",
                                    "description": "外包装破损，内件摔坏"}, page=url)
    assert response.status_code == 302
    order = db.session.scalar(select(WorkOrder))
    assert response.headers["Location"].endswith(f"/tickets/{order.number}")
    assert order.type_code == "complaint" and order.customer_id == customer.id
    assert order.subject == f"破损：邮件 {S10_NUMBER}"
    assert S10_NUMBER in order.description and "正在派送" in order.description and "外包装破损" in order.description
    assert "北京示例商贸" in order.description
    category = db.session.get(TicketCategory, order.category_id)
    assert (category.parent.name, category.name) == ("邮件问题", "邮件破损")
    assert json.loads(order.extra) == {"ems.number": S10_NUMBER}
    assert order.created_by_id == agent.id


def test_a_complaint_without_description_is_a_chinese_error(app, client):
    add_item()
    url = f"/p/ems/items/{S10_NUMBER}/complaint"
    response = submit(client, url, {"problem": "lost", "contact_name": "王芳", "phone": "138"}, page=url)
    assert response.status_code == 400 and 'role="alert"' in html(response)
    assert db.session.scalar(select(WorkOrder)) is None


def test_a_complaint_about_an_unknown_item_is_404(app, client):
    assert client.get(f"/p/ems/items/{DOMESTIC_NUMBER}/complaint").status_code == 404
    assert client.get("/p/ems/items/EA123456784CN/complaint").status_code == 404


# --- pickup booking ---------------------------------------------------------------------------

def booking(**changes) -> dict[str, str]:
    return {"contact_name": "张伟", "phone": "010-64001234", "district": "东城区",
            "address": "东四十条22号", "day": (today() + timedelta(days=1)).isoformat(),
            "window": "09:00-11:00", "pieces": "2", "weight_kg": "3.5", "contents": "文件两箱"} | changes


def test_a_pickup_booking_opens_a_service_order_for_the_pickup_department(app, client, agent, pickup_department):
    customer = customer_with_phone("张伟", "01064001234")
    assert "预约 EMS 上门揽收" in html(client.get("/desk/forms"))
    response = submit(client, "/desk/forms/ems.pickup", booking())
    assert response.status_code == 302
    (pickup,) = pickups()
    assert (pickup.district, pickup.address, pickup.pieces, pickup.weight_g, pickup.status) == \
        ("东城区", "东四十条22号", 2, 3500, "booked")
    assert pickup.customer_id == customer.id and pickup.user_id == agent.id
    assert api.local(pickup.window_start).strftime("%H:%M") == "09:00"
    assert (pickup.window_end - pickup.window_start) == timedelta(hours=2)
    order = db.session.scalar(select(WorkOrder))
    assert pickup.order_number == order.number
    assert (order.type_code, order.state, order.department_id) == ("ems_pickup", "assigned", pickup_department.id)
    assert "东四十条22号" in order.description and "文件两箱" in order.description
    assert order.customer_id == customer.id
    category = db.session.get(TicketCategory, order.category_id)
    assert (category.parent.name, category.name) == ("上门揽收", "EMS 揽收")
    flashed = html(client.get("/desk/forms/ems.pickup"))
    assert order.number in flashed
    timeline = html(client.get(f"/customers/{customer.id}"))
    assert "已预约 EMS 上门揽收：东城区 东四十条22号" in timeline and f"/tickets/{order.number}" in timeline


def test_the_booking_follows_its_work_order(app, client, make_user, pickup_department):
    submit(client, "/desk/forms/ems.pickup", booking())
    order = db.session.scalar(select(WorkOrder))
    clerk = make_user("backoffice")
    clerk.department_id = pickup_department.id
    db.session.commit()
    from app.tickets.register import changed
    for action, data in (("accept", {}), ("resolve", {"result": "已揽收两箱"})):
        apply(order, action, clerk, data)
        db.session.commit()
        changed(order, action)
    assert pickups()[0].status == "done"


def test_a_duplicate_booking_merged_into_the_first_is_cancelled(app, client, pickup_department):
    submit(client, "/desk/forms/ems.pickup", booking())
    submit(client, "/desk/forms/ems.pickup", booking())
    first, second = db.session.scalars(select(WorkOrder).order_by(WorkOrder.id)).all()
    page = f"/tickets/{second.number}"
    response = submit(client, f"/tickets/{second.number}/act/merge", {"target_number": first.number,
                                                                      "row_version": str(second.row_version)},
                      page=page)
    assert response.status_code == 302
    assert [p.status for p in pickups()] == ["booked", "cancelled"]


@pytest.mark.parametrize("changes, error", [
    ({"day": "2020-01-01"}, "揽收日期不能早于今天"),
    ({"day": "+30"}, "最多提前 14 天"),
    ({"phone": "12"}, "揽收员能拨通"),
    ({"pieces": "0"}, 'role="alert"'),
    ({"address": ""}, 'role="alert"'),
    ({"district": "火星区"}, 'role="alert"'),
])
def test_a_bad_booking_is_refused_with_a_chinese_error(app, client, changes, error, pickup_department):
    if changes.get("day", "").startswith("+"):
        changes = {"day": (today() + timedelta(days=int(changes["day"]))).isoformat()}
    response = submit(client, "/desk/forms/ems.pickup", booking(**changes))
    assert response.status_code == 200 and error in html(response)
    assert pickups() == [] and db.session.scalar(select(WorkOrder)) is None


def test_the_booking_form_is_prefilled_from_a_link(app, client):
    page = html(client.get("/desk/forms/ems.pickup?phone=13800000002&contact_name=王芳"))
    assert 'value="13800000002"' in page and 'value="王芳"' in page


def test_without_the_pickup_department_the_order_waits_at_the_desk(app, client):
    submit(client, "/desk/forms/ems.pickup", booking())
    order = db.session.scalar(select(WorkOrder))
    assert (order.state, order.department_id) == ("new", None)


def test_qa_may_not_book_pickups(app, client_for, make_user):
    assert client_for(make_user("qa")).get("/desk/forms/ems.pickup").status_code in (403, 404)


# --- screen pop ---------------------------------------------------------------------------------

def test_the_pop_shows_the_number_asked_in_the_ivr_and_the_callers_parcels(app, client, agent):
    add_item()
    add_item(DOMESTIC_NUMBER, recipient_phone="13800000002")
    record = CallRecord(line="11185", caller="13800000002", data=json.dumps({"ems.number": S10_NUMBER}))
    db.session.add(record)
    db.session.flush()
    call = DeskCall(agent_id=agent.id, caller="+8613800000002", call_id=record.id, direction="inbound",
                    answered_at=api.utcnow())
    db.session.add(call)
    db.session.commit()
    page = html(client.get(f"/desk/calls/{call.id}/pop"))
    assert 'data-panel="ems.items"' in page
    assert S10_NUMBER in page and "正在派送" in page and DOMESTIC_NUMBER in page


def test_no_panel_for_a_caller_the_line_knows_nothing_of(app, client, agent):
    call = DeskCall(agent_id=agent.id, caller="13900000000", direction="manual", answered_at=api.utcnow())
    db.session.add(call)
    db.session.commit()
    assert "ems.items" not in html(client.get(f"/desk/calls/{call.id}/pop"))
