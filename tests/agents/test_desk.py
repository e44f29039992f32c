"""The agent's desk page: keyboard first (accesskeys and the shortcut legend), the current
call's pop shown again on a reload, the customer search, and the "new call" form for calls
that reached the agent without CTI."""
from __future__ import annotations

import re

from sqlalchemy import select

from app.agents.models import MANUAL, DeskCall
from app.audit.models import AuditLog
from app.cti import events
from app.customers.models import Customer
from app.extensions import db
from app.testing import csrf_token_from, submit
from app.testing.pytest_plugin import TEST_PASSWORD


def log_in(app, user):
    client = app.test_client()
    response = submit(client, "/auth/login", {"username": user.username, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return client


def test_the_desk_is_keyboard_first(app, make_agent):
    html = log_in(app, make_agent("8001")).get("/desk").get_data(as_text=True)
    for key in ("c", "k", "b"):
        assert f'accesskey="{key}"' in html, key
    legend = html[html.index("快捷键"):]
    for shortcut in ("Alt+R", "Alt+S", "Alt+N", "Alt+C", "Alt+K", "Alt+B"):
        assert f"<kbd>{shortcut}</kbd>" in legend, shortcut
    for label in ("就绪 / 暂停", "来电小结", "新建工单", "客户查询", "新建来电"):
        assert label in legend
    assert re.search(r'<form method="get" action="/customers/"[^>]*>', html)
    assert 'name="q"' in html
    assert "/static/js/live.js" in html and "/static/js/desk.js" in html
    assert "<script>" not in html and 'style="' not in html
    assert "连接已断开" in html  # the banner the stream shows when it drops (hidden until then)


def test_the_desk_is_first_in_the_agents_menu_and_only_for_the_desk(app, make_agent, make_user):
    html = log_in(app, make_agent("8001")).get("/customers/").get_data(as_text=True)
    desk_group = re.search(r'<span class="group"[^>]*>(.*?)</span>', html, re.S).group(1)
    assert desk_group.index('href="/desk"') < desk_group.index("</a>") + 1
    assert log_in(app, make_user("backoffice")).get("/desk").status_code == 403


def test_a_reload_shows_the_call_the_agent_is_on(app, make_agent):
    agent = make_agent("8001")
    client = log_in(app, agent)
    assert "当前没有通话" in client.get("/desk").get_data(as_text=True)
    events.dispatch({"Event": "AgentConnect", "Queue": "postline-11185", "Interface": "PJSIP/8001",
                     "MemberName": "PJSIP/8001", "Uniqueid": "1796154447.40", "CallerIDNum": "13800000009",
                     "Channel": "PJSIP/trunk-1", "DestChannel": "PJSIP/8001-1"})
    db.session.commit()
    html = client.get("/desk").get_data(as_text=True)
    assert 'id="pop"' in html and "13800000009" in html and 'accesskey="n"' in html
    assert "当前没有通话" not in html


def test_new_call_refuses_a_missing_or_wrong_number_in_chinese(app, make_agent):
    client = log_in(app, make_agent("8001"))
    html = client.get("/desk/new-call").get_data(as_text=True)
    token = csrf_token_from(html)
    html = client.post("/desk/new-call", data={"csrf_token": token, "caller": ""}).get_data(as_text=True)
    assert "请输入来电号码" in html
    response = client.post("/desk/new-call", data={"csrf_token": token, "caller": "12ab"})
    assert response.status_code == 200 and "12ab" in response.get_data(as_text=True)  # kept for correcting
    response = client.post("/desk/new-call", data={"csrf_token": token, "caller": "13800000001",
                                                   "customer_id": "999999"})
    assert "没有这个编号的客户" in response.get_data(as_text=True)
    assert db.session.scalar(select(DeskCall)) is None
    client.post("/desk/new-call", data={"caller": "13800000001"})  # no CSRF token: sent back, no call
    assert db.session.scalar(select(DeskCall)) is None


def test_new_call_opens_a_manual_call_recognising_the_customer(app, make_agent):
    agent = make_agent("8001")
    customer = Customer(name="赵六", phone="13800000001")
    db.session.add(customer)
    db.session.commit()
    client = log_in(app, agent)
    response = submit(client, "/desk/new-call", {"caller": "138 0000 0001"})
    assert response.status_code == 302
    call = db.session.scalar(select(DeskCall))
    assert (call.direction, call.agent_id, call.customer_id) == (MANUAL, agent.id, customer.id)
    assert call.answered_at is not None and call.call_id is None
    logged = db.session.scalar(select(AuditLog).where(AuditLog.object_type == "desk_call"))
    assert (logged.action, logged.object_id, logged.actor) == ("create", str(call.id), agent.username)
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "赵六" in html and "手工录入" in html


def test_the_desk_scripts_are_served(app, make_agent):
    client = log_in(app, make_agent("8001"))
    for name in ("live.js", "desk.js"):
        response = client.get(f"/static/js/{name}")
        assert response.status_code == 200
        response.close()


def test_with_the_calls_page_served_the_desk_links_the_summary_and_new_call_opens_it(app, make_agent):
    app.add_url_rule("/desk/calls/<int:call_id>", "test_call_page", lambda call_id: f"call {call_id}")
    agent = make_agent("8001")
    client = log_in(app, agent)
    response = submit(client, "/desk/new-call", {"caller": "13800000001"})
    call = db.session.scalar(select(DeskCall))
    assert response.headers["Location"].endswith(f"/desk/calls/{call.id}")
    html = client.get("/desk").get_data(as_text=True)
    assert f'href="/desk/calls/{call.id}" accesskey="s"' in html
