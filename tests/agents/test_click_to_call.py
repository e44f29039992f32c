"""Click-to-call: a number on a page rings the agent's own phone first (AMI Originate with
his interface into the click-to-call context) and becomes an outbound desk call; refused,
in Chinese, without an agent extension or with a number we cannot ring."""
from __future__ import annotations

from sqlalchemy import select

from app.agents.models import OUTBOUND, DeskCall
from app.customers.models import Customer
from app.extensions import db
from app.testing import submit
from app.tickets.callback_models import CallbackTask
from tests.agents.callback_helpers import abandon, sent, tasks


def _dial(client, page="/desk/callbacks", **data):
    return submit(client, "/desk/dial", data, page=page, headers={"Accept": "application/json"})


def test_a_click_rings_the_agents_phone_then_the_number(make_agent, client_for):
    agent = make_agent("8001")
    db.session.add(Customer(name="王女士", phone="13900139000"))
    db.session.commit()
    answer = _dial(client_for(agent), number="139 0013 9000")
    assert answer.status_code == 200 and answer.json["ok"] and "13900139000" in answer.json["message"]
    (originate,) = sent("Originate")
    assert originate == {"Channel": "PJSIP/8001", "Context": "postline-click-to-call", "Exten": "13900139000",
                         "Priority": "1", "CallerID": '"13900139000" <13900139000>', "Timeout": "30000",
                         "Async": "true", "Variable": f"POSTLINE_DESK_CALL={answer.json['desk_call_id']}"}
    call = db.session.get(DeskCall, answer.json["desk_call_id"])
    assert (call.agent_id, call.direction, call.caller, call.answered_at) == (agent.id, OUTBOUND, "13900139000", None)
    assert call.customer_id == db.session.scalar(select(Customer.id))


def test_without_javascript_the_form_posts_and_comes_back_with_a_message(make_agent, client_for):
    client = client_for(make_agent("8002"))
    response = submit(client, "/desk/dial", {"number": "02088886666"}, page="/desk/callbacks",
                      headers={"Referer": "http://postline.test/desk/callbacks?scope=pool"})
    assert response.status_code == 302 and response.location.endswith("/desk/callbacks?scope=pool")
    assert "您的电话正在振铃" in client.get("/desk/callbacks").get_data(as_text=True)


def test_refused_without_an_agent_extension_or_with_a_bad_number(make_agent, make_user, client_for):
    no_profile = _dial(client_for(make_user("agent")), number="13900139000")
    assert no_profile.status_code == 400 and "分机" in no_profile.json["message"]
    bad = _dial(client_for(make_agent("8003")), number="12345")
    assert bad.status_code == 400 and not bad.json["ok"]
    empty = _dial(client_for(make_agent("8004")), number="")
    assert empty.status_code == 400
    assert sent("Originate") == [] and db.session.scalars(select(DeskCall)).all() == []


def test_only_desk_users_may_dial_and_see_numbers_as_buttons(app, make_user, make_agent, client_for):
    backoffice = client_for(make_user("backoffice"))
    assert submit(backoffice, "/desk/dial", {"number": "13900139000"}, page="/").status_code == 403
    page = client_for(make_agent("8005")).get("/desk/callbacks").get_data(as_text=True)
    assert "js/click_to_call.js" in page
    assert "js/click_to_call.js" not in backoffice.get("/").get_data(as_text=True)


def test_a_dial_for_a_callback_task_takes_it_and_links_the_try(make_agent, client_for):
    agent = make_agent("8006")
    abandon("13900139000", held=30)
    (task,) = tasks()
    page = client_for(agent).get("/desk/callbacks").get_data(as_text=True)
    assert 'data-dial="13900139000"' in page and f'name="task_id" value="{task.id}"' in page
    answer = _dial(client_for(agent), number=task.phone, task_id=str(task.id))
    task = db.session.get(CallbackTask, task.id)
    db.session.refresh(task)
    assert task.taken_by_id == agent.id and task.desk_call_id == answer.json["desk_call_id"]
    from app.tickets import callbacks
    attempt = callbacks.record_try(task, agent, outcome="reached")
    db.session.commit()
    assert attempt.desk_call_id == answer.json["desk_call_id"] and task.desk_call_id is None


def test_a_referrer_from_another_site_is_not_followed(make_agent, client_for):
    client = client_for(make_agent("8007"))
    response = submit(client, "/desk/dial", {"number": "02088886666"}, page="/desk/callbacks",
                      headers={"Referer": "http://evil.example/steal"})
    assert response.location.endswith("/desk/callbacks")


def test_phone_numbers_on_customer_and_work_order_pages_are_click_to_call(make_agent, make_user, client_for):
    from app.tickets.register import register

    customer = Customer(name="王女士", phone="13900139000")
    db.session.add(customer)
    db.session.commit()
    order = register(make_user("agent"), type_code="query", subject="查询邮件", customer_id=customer.id)
    db.session.commit()
    desk = client_for(make_agent("8008"))
    for page in (f"/customers/{customer.id}", f"/tickets/{order.number}"):
        html = desk.get(page).get_data(as_text=True)
        assert 'data-dial="13900139000"' in html and 'action="/desk/dial"' in html, page
    html = client_for(make_user("manager")).get(f"/customers/{customer.id}").get_data(as_text=True)
    assert "13900139000" in html and "data-dial" not in html
