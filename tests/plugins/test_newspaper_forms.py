"""The agent's newspaper forms through the web client, as during a call: register a
subscriber (the PIN typed, never shown again), subscribe, change the address, cancel; each
refusal is a Chinese error on the page, never a 500 or a half-saved order."""
from __future__ import annotations

import re

import pytest
from newspaper_kit import PIN
from sqlalchemy import select

from app import api
from app.testing import submit
from plugins.newspaper import orders
from plugins.newspaper.models import NewspaperAddressChange, NewspaperSubscriber, NewspaperSubscription

FORMS = "/desk/forms"
REGISTER = "/desk/forms/newspaper.register"
SUBSCRIBE = "/desk/forms/newspaper.subscribe"
CHANGE = "/desk/forms/newspaper.change_address"
CANCEL = "/desk/forms/newspaper.cancel"


def html(response) -> str:
    return response.get_data(as_text=True)


def rows(model):
    api.db.session.expire_all()
    return list(api.db.session.scalars(select(model).order_by(model.id)))


@pytest.fixture
def agent(login, newspaper_today):
    return login("agent")


def test_the_forms_are_listed_for_agents(agent):
    page = html(agent.get(FORMS))
    for url in (REGISTER, SUBSCRIBE, CHANGE, CANCEL):
        assert f'href="{url}"' in page
    assert "报刊订阅" in page and "登记报刊订户" in page


def test_registering_a_subscriber_hashes_the_pin_and_shows_it_nowhere(agent):
    fields = {"name": "王芳", "phone": "13800000001", "district": "鼓楼区", "detail": "五一北路1号",
              "postcode": "350001", "pin": PIN, "pin_again": PIN}
    done = submit(agent, REGISTER, fields, follow_redirects=True)
    (person,) = rows(NewspaperSubscriber)
    assert f"订户 王芳 已登记，订户号 {person.account}。" in html(done)
    assert PIN not in html(done) and person.pin_hash != PIN and person.pin_matches(PIN)
    assert [a.text for a in person.addresses] == ["鼓楼区五一北路1号"]
    from app.audit.models import AuditLog

    logged = " ".join(f"{e.before} {e.after}" for e in api.db.session.scalars(
        select(AuditLog).where(AuditLog.object_type == "newspaper_subscriber")))
    assert logged and PIN not in logged and person.pin_hash not in logged


def test_registration_errors_are_chinese(agent):
    page = html(submit(agent, REGISTER, {"name": "王芳", "phone": "12", "district": "鼓楼区", "detail": "x",
                                         "postcode": "35", "pin": "12345", "pin_again": "54321"}))
    assert "请输入订户的电话号码。" in page and "密码为 6 位数字。" in page
    assert "两次输入的密码不一致。" in page and "邮政编码必须是6位数字" in page
    assert rows(NewspaperSubscriber) == []


def test_an_agent_takes_an_order(agent, paper_titles, paper_subscriber):
    done = submit(agent, SUBSCRIBE, {"account": paper_subscriber.account, "code": "１－１", "period": "6",
                                     "copies": "2", "address_number": "2"}, follow_redirects=True)
    (row,) = rows(NewspaperSubscription)
    assert f"订单 {row.id}：人民日报（1-1），半年订，2027-01-01 起，576.00 元。" in html(done)
    assert (row.months, row.copies, row.amount_fen, row.district, row.channel) == (6, 2, 57600, "台江区", "agent")
    assert row.created_by.startswith("agent")


@pytest.mark.parametrize("fields, error", [
    ({"account": "1234"}, "订户号为 8 位数字。"),
    ({"account": "99999999"}, "没有这个订户号的订户。"),
    ({"code": "11"}, "邮发代号是用横杠连接的两个数字"),
    ({"code": "7-7"}, "报刊目录中没有这个邮发代号。"),
    ({"code": "9-9"}, "这份报刊已停止收订。"),
    ({"code": "54-17", "period": "3"}, "这份报刊不能按这个订期订阅。"),
    ({"copies": "0"}, "份数"),
    ({"address_number": "5"}, "订户没有这个序号的地址。"),
])
def test_order_errors_are_shown_on_the_form(agent, paper_titles, paper_subscriber, fields, error):
    data = {"account": paper_subscriber.account, "code": "1-1", "period": "12", "copies": "1", **fields}
    response = submit(agent, SUBSCRIBE, data)
    assert response.status_code == 200 and error in html(response)
    assert rows(NewspaperSubscription) == []


def test_an_agent_changes_the_address_and_cancels(agent, paper_titles, paper_subscriber):
    row = orders.subscribe(paper_subscriber, paper_titles["1-1"], 12).row
    done = submit(agent, CHANGE, {"number": str(row.id), "district": "仓山区", "detail": "上渡路5号",
                                  "postcode": "350007"}, follow_redirects=True)
    assert f"订单 {row.id} 自 2027-01-01 起改寄到 仓山区上渡路5号。" in html(done)
    (change,) = rows(NewspaperAddressChange)
    assert (change.address, change.effective, change.created_by[:5]) == ("仓山区上渡路5号", row.start, "agent")
    done = submit(agent, CANCEL, {"number": str(row.id)}, follow_redirects=True)
    assert f"订单 {row.id} 自 2027-01-01 起退订：退 12 个月，576.00 元。" in html(done)
    again = submit(agent, CANCEL, {"number": str(row.id)})
    assert "这份订阅已经退订。" in html(again)
    page = html(agent.get(f"/p/newspaper/subscriptions/{row.id}"))
    assert "仓山区上渡路5号" in page and 'data-status="cancelled"' in page


def test_an_unknown_subscription_number_is_a_form_error(agent, paper_titles):
    assert "没有这个订单号的订阅。" in html(submit(agent, CANCEL, {"number": "999"}))
    assert "没有这个订单号的订阅。" in html(submit(agent, CHANGE, {"number": "999", "district": "x", "detail": "y"}))
    assert agent.get("/p/newspaper/subscriptions/999").status_code == 404


def test_a_post_without_csrf_token_saves_nothing(agent, paper_titles, paper_subscriber):
    agent.post(SUBSCRIBE, data={"account": paper_subscriber.account, "code": "1-1", "period": "12", "copies": "1"})
    assert rows(NewspaperSubscription) == []


def test_staff_without_the_permission_do_not_get_the_forms(login, paper_titles):
    qa = login("qa")
    assert qa.get(SUBSCRIBE).status_code in (403, 404)
    assert qa.get("/p/newspaper/").status_code == 403


def test_the_catalog_page_finds_titles_by_code_and_name(agent, paper_titles):
    page = html(agent.get("/p/newspaper/?q=1*1"))
    assert re.findall(r'data-code="([^"]+)"', page) == ["1-1"]
    page = html(agent.get("/p/newspaper/?q=读者"))
    assert re.findall(r'data-code="([^"]+)"', page) == ["54-17"] and "半年订、年订" in page
    page = html(agent.get("/p/newspaper/"))
    assert "报刊目录" in page and "48.00" in page and "每月 20 日" in page and "data-closed" in page
    assert 'data-nav="newspaper.catalog"' in page
    assert "没有符合条件的报刊。" in html(agent.get("/p/newspaper/?q=不存在"))


def test_an_agent_adds_an_address_the_caller_can_then_choose(agent, paper_subscriber):
    done = submit(agent, "/desk/forms/newspaper.add_address", {
        "account": paper_subscriber.account, "district": "晋安区", "detail": "福新中路9号", "postcode": "350011"},
        follow_redirects=True)
    assert f"订户 {paper_subscriber.account} 的第 3 个地址：晋安区福新中路9号。" in html(done)
    api.db.session.expire_all()
    assert [a.position for a in paper_subscriber.addresses] == [1, 2, 3]
    for n in range(6):
        orders.add_address(paper_subscriber, "晋安区", f"{n}号", "")
    full = submit(agent, "/desk/forms/newspaper.add_address", {
        "account": paper_subscriber.account, "district": "晋安区", "detail": "十号", "postcode": ""})
    assert "每位订户最多登记 9 个地址。" in html(full)


def test_an_agent_registers_a_newspaper_delivery_work_order(agent, paper_titles):
    from app.tickets.models import TicketCategory, WorkOrder

    page = html(agent.get("/tickets/new?type=newspaper_delivery"))
    assert "报刊投递 › 未收到报刊" in page and "邮发代号" in page
    category = api.db.session.scalar(select(TicketCategory).where(TicketCategory.name == "未收到报刊"))
    response = submit(agent, "/tickets/new?type=newspaper_delivery", {
        "subject": "人民日报三天未收到", "category_id": str(category.id), "channel": "phone",
        "priority": "normal", "extra-code": "1-1", "extra-subscription": "12"})
    assert response.status_code == 302
    order = api.db.session.scalar(select(WorkOrder))
    assert (order.type_code, order.category.path) == ("newspaper_delivery", "报刊投递 › 未收到报刊")
    assert "1-1" in html(agent.get(f"/tickets/{order.number}"))
