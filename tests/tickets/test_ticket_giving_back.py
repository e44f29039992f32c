"""Giving the result back: once the result is written, the person sends it to the customer
by SMS or e-mail (prefilled, editable, logged with its delivery status and shown on the
order) or leaves a call-back task for the agents."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from app.customers.models import Customer, CustomerPhone
from app.extensions import db
from app.notify.models import Message
from app.testing import submit
from app.tickets.callback_models import CallbackTask
from app.tickets.models import TicketEntry, WorkOrder


def _html(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def outbox(app, tmp_path):
    folder = tmp_path / "outbox"
    app.config["NOTIFY_SMS_OUTBOX"] = str(folder)
    return folder


@pytest.fixture
def customer(app):
    """A customer whose first phone is a landline: an SMS goes to the mobile after it."""
    person = Customer(name="王女士", email="wang@example.com",
                      phones=[CustomerPhone(number="010-65000000"), CustomerPhone(number="138 0013 8000", position=1)])
    db.session.add(person)
    db.session.commit()
    return person


def _worker(make_user, departments, role="backoffice", code="ems"):
    user = make_user(role)
    user.department_id = departments[code].id
    db.session.commit()
    return user


def test_writing_the_result_leads_to_the_choice_prefilled(app, make_user, make_order, departments,
                                                          client_for, customer):
    order = make_order(state="processing", customer_id=customer.id)
    worker = client_for(_worker(make_user, departments))
    page = f"/tickets/{order.number}"
    response = submit(worker, f"{page}/act/resolve", {"result": "已补发，赔偿20元"}, page=page)
    assert response.headers["Location"].endswith(f"{page}/give-back")
    html = _html(worker.get(response.headers["Location"]))
    assert "发送短信" in html and "发送电子邮件" in html and "电话回访客户" in html
    assert 'value="138 0013 8000"' in html and 'value="wang@example.com"' in html  # the mobile, not the landline
    assert f"您的工单 {order.number} 已处理：已补发，赔偿20元" in html
    assert 'value="010-65000000"' in html  # the number to ring back: the first phone


def test_an_sms_is_sent_logged_and_shown_with_its_status(app, make_user, make_order, departments,
                                                         client_for, customer, outbox):
    order = make_order(state="resulted", customer_id=customer.id, result="邮件已妥投")
    worker = client_for(_worker(make_user, departments))
    page = f"/tickets/{order.number}"
    response = submit(worker, f"{page}/give-back/message/sms",
                      {"sms-to": "13800138000", "sms-text": f"您的工单{order.number}：邮件已妥投，请查收。"},
                      page=f"{page}/give-back")
    assert response.status_code == 302
    message = db.session.scalar(select(Message))
    assert (message.channel, message.recipient, message.status) == ("sms", "13800138000", "queued")
    assert (message.subject_type, message.subject_id) == ("ticket", str(order.id))
    document = json.loads((outbox / message.reference).read_text(encoding="utf-8"))
    assert document["text"] == f"您的工单{order.number}：邮件已妥投，请查收。"  # the edited text
    html = _html(worker.get(page))
    assert f'data-message-id="{message.id}" data-status="queued"' in html and "已交给短信网关" in html
    entry = db.session.scalar(select(TicketEntry).where(TicketEntry.action == "message"))
    assert entry.public and "13800138000" in entry.text
    assert db.session.get(WorkOrder, order.id).state == "resulted"  # the feedback is still to come


def test_an_email_that_cannot_go_out_shows_why(app, make_user, make_order, departments, client_for, customer):
    app.config["SMTP_HOST"] = ""  # e-mail is off on this site
    order = make_order(state="resulted", customer_id=customer.id, result="已处理")
    agent = client_for(make_user("agent"))
    page = f"/tickets/{order.number}"
    submit(agent, f"{page}/give-back/message/email",
           {"email-to": "wang@example.com", "email-title": "工单结果", "email-text": "已处理"},
           page=f"{page}/give-back")
    message = db.session.scalar(select(Message))
    assert (message.status, message.title) == ("failed", "工单结果") and "SMTP_HOST" in message.error
    html = _html(agent.get(page))
    assert 'data-status="failed"' in html and "未发送" in html and "SMTP_HOST" in html


@pytest.mark.parametrize("channel, to, sentence", [
    ("sms", "010-65000000", "手机号码为 11 位数字"),  # a landline cannot receive an SMS
    ("sms", "12345", "手机号码为 11 位数字"),
    ("email", "wang@", "不是有效的电子邮件地址"),
])
def test_a_recipient_that_cannot_receive_is_a_form_error(app, make_user, make_order, departments,
                                                         client_for, customer, channel, to, sentence):
    order = make_order(state="resulted", customer_id=customer.id, result="已处理")
    agent = client_for(make_user("agent"))
    page = f"/tickets/{order.number}/give-back"
    response = submit(agent, f"/tickets/{order.number}/give-back/message/{channel}",
                      {f"{channel}-to": to, f"{channel}-text": "已处理"}, page=page)
    assert response.status_code == 200 and sentence in _html(response)
    assert db.session.scalar(select(Message)) is None


def test_a_call_back_task_is_left_for_the_pool(app, make_user, make_order, departments, client_for, customer):
    order = make_order(state="resulted", customer_id=customer.id, result="已处理")
    worker = client_for(_worker(make_user, departments))
    page = f"/tickets/{order.number}"
    response = submit(worker, f"{page}/give-back/callback",
                      {"callback-phone": "13800138000", "callback-due": "2026-11-23T14:30",
                       "callback-assignee_id": "", "callback-note": "客户下午方便"}, page=f"{page}/give-back")
    assert response.status_code == 302
    task = db.session.scalar(select(CallbackTask))
    assert (task.phone, task.assignee_id, task.state, task.attempts) == ("13800138000", None, "open", 0)
    assert task.due_at.strftime("%Y-%m-%d %H:%M") == "2026-11-23 06:30"  # 14:30 in Beijing, stored UTC
    html = _html(worker.get(page))
    assert f'data-callback-id="{task.id}" data-state="open"' in html and "任务池" in html
    again = submit(worker, f"{page}/give-back/callback", {"callback-phone": "13800138000"}, page=f"{page}/give-back")
    assert "已有一条未完成的回访任务" in _html(worker.get(again.headers["Location"]))
    bad = submit(worker, f"{page}/give-back/callback", {"callback-phone": "13800138000", "callback-due": "明天"},
                 page=f"{page}/give-back")
    assert bad.status_code == 200 and "请填写日期和时间" in _html(bad)


def test_only_those_who_may_act_on_the_result_give_it_back(app, make_user, make_order, departments,
                                                            client_for, customer):
    order = make_order(state="resulted", customer_id=customer.id, result="已处理")
    stranger = client_for(_worker(make_user, departments, code="mail"))  # another department's back office
    page = f"/tickets/{order.number}"
    # Another department's order does not exist for that back office: no page, no form, no post.
    assert stranger.get(page).status_code == 404 and stranger.get(f"{page}/give-back").status_code == 404
    posted = submit(stranger, f"{page}/give-back/message/sms", {"sms-to": "13800138000", "sms-text": "x"},
                    page="/tickets/queue")  # a valid CSRF token from a page they may open
    assert posted.status_code == 404 and db.session.scalar(select(Message)) is None

    processing = make_order(state="processing", customer_id=customer.id)
    agent = client_for(make_user("agent"))
    assert "将处理结果答复客户" not in _html(agent.get(f"/tickets/{processing.number}"))
    refused = agent.get(f"/tickets/{processing.number}/give-back")  # no result yet to give back
    assert refused.status_code == 302 and "您现在不能答复" in _html(agent.get(refused.headers["Location"]))
    assert "将处理结果答复客户" in _html(agent.get(page))
