"""The team lead's live view: every agent's state, reason and clock, over-limit pauses,
waiting callers; forcing a pause or a log-off (sent to Asterisk, audited); listening in
through ChanSpy only with the permission and a phone of his own. And the agent's own
state buttons (``POST /desk/state``)."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from flask_login import login_user
from sqlalchemy import select

from app.agents import states
from app.agents.models import (
    BY_TEAMLEAD,
    LOGGED_OFF,
    ON_CALL,
    PAUSED,
    READY,
    AgentProfile,
    AgentStateChange,
    DeskCall,
)
from app.audit.models import AuditLog
from app.cti.events import dispatch
from app.cti.models import CtiAction
from app.extensions import db
from app.testing import csrf_token_from, submit
from app.testing.pytest_plugin import TEST_PASSWORD
from app.timeutil import utcnow

Q = "postline-11185"
CHOOSE_REASON = "请选择暂停原因"


def _sign_in(client, user):
    response = submit(client, "/auth/login", {"username": user.username, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return client


def _sent() -> list[tuple[str, dict]]:
    return [(row.action, json.loads(row.fields)) for row in db.session.scalars(select(CtiAction).order_by(CtiAction.id))]


@pytest.fixture
def team_lead(make_user):
    return make_user("teamlead", username="chen")


@pytest.fixture
def lead_with_phone(team_lead):
    db.session.add(AgentProfile(user_id=team_lead.id, interface="PJSIP/8100", extension="8100"))
    db.session.commit()
    return team_lead


def _row(html: str, user_id: int) -> str:
    start = html.index(f'id="agent-{user_id}"')
    return html[start:html.index("</tr>", start)]


def test_the_team_view_shows_each_agents_state_reason_and_over_limit_pauses(client, team_lead, make_agent,
                                                                             pause_reasons):
    on_time, late, off = make_agent("8001"), make_agent("8002"), make_agent("8003")
    states.request(on_time.id, READY)
    states.request(on_time.id, PAUSED, "meal")
    states.record(late.id, PAUSED, "meal", at=utcnow() - timedelta(minutes=31))
    dispatch({"Event": "QueueCallerJoin", "Queue": Q, "Position": "1", "Count": "1", "CallerIDNum": "1",
              "Uniqueid": "9.1"})
    db.session.commit()
    html = _sign_in(client, team_lead).get("/desk/team").get_data(as_text=True)
    assert "用餐" in _row(html, on_time.id) and "超时" not in _row(html, on_time.id)
    assert "超时" in _row(html, late.id) and 'class="over-limit"' in _row(html, late.id)
    assert '<span class="tag state-logged_off" data-state-tag>已签出</span>' in _row(html, off.id)
    queue_row = html[html.index(f'data-queue="{Q}"'):]
    assert 'data-waiting>1<' in queue_row.split("</tr>")[0]
    assert "js/team.js" in html and "style=" not in html
    assert '<option value="meal">' in html and '<option value="ACW">' not in html  # ACW follows a call by itself


def test_an_agent_may_not_see_the_team_view(login):
    assert login("agent").get("/desk/team").status_code == 403


def test_forcing_a_pause_and_a_log_off_tells_asterisk_and_is_audited(client, team_lead, make_agent, pause_reasons):
    agent = make_agent("8001")
    states.request(agent.id, READY)
    db.session.commit()
    _sign_in(client, team_lead)
    page = client.get("/desk/team").get_data(as_text=True)
    token = csrf_token_from(page)
    response = client.post(f"/desk/team/{agent.id}/pause", data={"csrf_token": token, "reason": "training"})
    assert response.status_code == 302
    client.post(f"/desk/team/{agent.id}/logoff", data={"csrf_token": token})
    db.session.expire_all()
    assert [(a, f.get("Paused"), f.get("Reason")) for a, f in _sent()[1:]] == [
        ("QueuePause", "true", "training"), ("QueueRemove", None, None)]
    changes = db.session.scalars(select(AgentStateChange).where(AgentStateChange.user_id == agent.id)
                                 .order_by(AgentStateChange.id)).all()
    assert [(c.state, c.source, c.actor) for c in changes[1:]] == [(PAUSED, BY_TEAMLEAD, "chen"),
                                                                   (LOGGED_OFF, BY_TEAMLEAD, "chen")]
    audit = db.session.scalars(select(AuditLog).where(AuditLog.object_type == "agent")
                               .order_by(AuditLog.id)).all()
    assert [(a.action, a.actor, a.object_id) for a in audit] == [("force_paused", "chen", str(agent.id)),
                                                                 ("force_logged_off", "chen", str(agent.id))]


def test_a_forced_pause_without_a_reason_or_of_a_logged_off_agent_is_refused_in_chinese(
        client, team_lead, make_agent, pause_reasons):
    agent = make_agent("8001")
    _sign_in(client, team_lead)
    token = csrf_token_from(client.get("/desk/team").get_data(as_text=True))
    page = client.post(f"/desk/team/{agent.id}/pause", data={"csrf_token": token, "reason": "meal"},
                       follow_redirects=True).get_data(as_text=True)
    assert "该话务员已签出" in page and _sent() == []  # a pause would have logged him in
    states.request(agent.id, READY)
    db.session.commit()
    page = client.post(f"/desk/team/{agent.id}/pause", data={"csrf_token": token, "reason": ""},
                       follow_redirects=True).get_data(as_text=True)
    assert CHOOSE_REASON in page and [a for a, _ in _sent()] == ["QueueAdd"]


@pytest.mark.parametrize("mode, options", [("listen", "bqES"), ("whisper", "bqESw"), ("barge", "bqESB")])
def test_listening_in_rings_the_team_leads_phone_into_chanspy(client, lead_with_phone, make_agent, mode, options):
    agent = make_agent("8001")
    call = DeskCall(agent_id=agent.id, uniqueid="7.1", agent_channel="PJSIP/8001-0000002a", queue=Q)
    db.session.add(call)
    db.session.flush()
    states.record(agent.id, ON_CALL, uniqueid="7.1", queue=Q, desk_call_id=call.id)
    db.session.commit()
    _sign_in(client, lead_with_phone)
    token = csrf_token_from(client.get("/desk/team").get_data(as_text=True))
    assert client.post(f"/desk/team/{agent.id}/spy", data={"csrf_token": token, "mode": mode}).status_code == 302
    action, fields = _sent()[-1]
    assert action == "Originate"
    assert {k: fields[k] for k in ("Channel", "Application", "Data", "Async")} == {
        "Channel": "PJSIP/8100", "Application": "ChanSpy", "Data": f"PJSIP/8001-0000002a,{options}", "Async": "true"}
    assert db.session.scalar(select(AuditLog.action).where(AuditLog.object_type == "agent")) == "spy"


def test_listening_in_without_a_known_channel_names_the_interface_prefix(client, lead_with_phone, make_agent):
    agent = make_agent("8001")
    states.record(agent.id, ON_CALL, uniqueid="7.2", queue=Q)
    db.session.commit()
    _sign_in(client, lead_with_phone)
    token = csrf_token_from(client.get("/desk/team").get_data(as_text=True))
    client.post(f"/desk/team/{agent.id}/spy", data={"csrf_token": token, "mode": "listen"})
    assert _sent()[-1][1]["Data"] == "PJSIP/8001-,bqES"


def test_listening_in_is_refused_without_a_phone_without_a_call_or_without_the_permission(
        client, team_lead, make_agent, make_user, app):
    agent = make_agent("8001")
    states.record(agent.id, ON_CALL, uniqueid="7.3")
    db.session.commit()
    _sign_in(client, team_lead)
    page = client.get("/desk/team").get_data(as_text=True)
    assert "/spy" not in page  # no phone of his own: no listen-in form
    page = client.post(f"/desk/team/{agent.id}/spy", data={"csrf_token": csrf_token_from(page), "mode": "listen"},
                       follow_redirects=True).get_data(as_text=True)
    assert "分机" in page and _sent() == []

    db.session.add(AgentProfile(user_id=team_lead.id, interface="PJSIP/8100", extension="8100"))
    idle = make_agent("8002")
    db.session.commit()
    page = client.get("/desk/team").get_data(as_text=True)
    page = client.post(f"/desk/team/{idle.id}/spy", data={"csrf_token": csrf_token_from(page), "mode": "listen"},
                       follow_redirects=True).get_data(as_text=True)
    assert "不在通话中" in page and _sent() == []

    client.post("/auth/logout", data={"csrf_token": csrf_token_from(page)})
    agent_user = make_user("agent")
    _sign_in(client, agent_user)
    token = csrf_token_from(client.get("/").get_data(as_text=True))
    assert client.post(f"/desk/team/{agent.id}/spy", data={"csrf_token": token, "mode": "listen"}).status_code == 403


def test_the_agents_own_buttons_log_in_pause_with_alt_r_and_log_off(client, make_agent, pause_reasons):
    agent = make_agent("8001")
    _sign_in(client, agent)
    token = csrf_token_from(client.get("/").get_data(as_text=True))
    post = lambda **data: client.post("/desk/state", data={"csrf_token": token, "next": "/desk", **data})  # noqa: E731
    assert post(state="ready").headers["Location"].endswith("/desk")
    assert states.status_of(agent.id).state == READY
    post(state="toggle", reason="meal")  # Alt+R while ready: pause with the chosen reason
    db.session.expire_all()
    assert (states.status_of(agent.id).state, states.status_of(agent.id).reason) == (PAUSED, "meal")
    post(state="toggle")  # Alt+R while paused: ready
    post(state="logged_off")
    db.session.expire_all()
    assert states.status_of(agent.id).state == LOGGED_OFF
    assert [a for a, _ in _sent()] == ["QueueAdd", "QueuePause", "QueuePause", "QueueRemove"]


def test_a_refused_state_is_a_message_and_the_way_back_stays_on_the_desk(client, make_agent, make_user, pause_reasons):
    agent = make_agent("8001")
    _sign_in(client, agent)
    token = csrf_token_from(client.get("/").get_data(as_text=True))
    response = client.post("/desk/state", data={"csrf_token": token, "state": "paused", "reason": "",
                                                "next": "https://evil.example/x"})
    assert response.headers["Location"].endswith("/desk")
    page = client.get("/").get_data(as_text=True)
    assert CHOOSE_REASON in page
    assert client.post("/desk/state", data={"state": "ready"}).status_code in (302, 400)
    assert _sent() == []


def test_the_state_control_partial_shows_the_state_in_words_with_alt_r(app, make_agent, pause_reasons):
    from flask import render_template

    agent = make_agent("8001")
    states.request(agent.id, READY)
    db.session.commit()
    with app.test_request_context("/desk"):
        login_user(agent)
        html = render_template("agents/_state_control.html")
    assert "就绪" in html and 'accesskey="r"' in html and "Alt+R" in html and "state-ready" in html
    assert "用餐" in html and "js/state_control.js" in html and "style=" not in html


def test_the_state_control_says_why_a_user_without_an_extension_has_no_buttons(app, make_user):
    from flask import render_template

    user = make_user("agent")
    with app.test_request_context("/desk"):
        login_user(user)
        html = render_template("agents/_state_control.html")
    assert "该用户还没有座席分机" in html and "accesskey" not in html


def test_resync_asks_asterisk_for_the_queue_status(client, team_lead):
    _sign_in(client, team_lead)
    token = csrf_token_from(client.get("/desk/team").get_data(as_text=True))
    assert client.post("/desk/team/resync", data={"csrf_token": token}).status_code == 302
    assert _sent() == [("QueueStatus", {})]
