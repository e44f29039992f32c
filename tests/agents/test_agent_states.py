"""An agent's state: asked for on the page and sent to Asterisk, reported by Asterisk and
only recorded, and every interval kept for the attendance figures."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from app.agents import states
from app.agents.models import LOGGED_OFF, ON_CALL, PAUSED, READY, AgentStateChange
from app.cti import live
from app.cti.models import CtiAction
from app.extensions import db


def _sent() -> list[tuple[str, dict]]:
    return [(row.action, json.loads(row.fields)) for row in db.session.scalars(select(CtiAction).order_by(CtiAction.id))]


def test_logging_in_adds_the_member_to_each_skill_queue(make_agent):
    agent = make_agent("8001", queues={"postline-11185": 0, "postline-ems": 2})
    states.request(agent.id, READY, actor=agent.username)
    db.session.commit()
    assert _sent() == [
        ("QueueAdd", {"Queue": "postline-11185", "Interface": "PJSIP/8001", "Penalty": "0",
                      "MemberName": "PJSIP/8001", "Paused": "false", "Reason": ""}),
        ("QueueAdd", {"Queue": "postline-ems", "Interface": "PJSIP/8001", "Penalty": "2",
                      "MemberName": "PJSIP/8001", "Paused": "false", "Reason": ""})]
    assert states.status_of(agent.id).state == READY


def test_a_pause_carries_its_reason_to_asterisk_and_ready_unpauses(make_agent, pause_reasons):
    agent = make_agent("8002")
    states.request(agent.id, READY)
    states.request(agent.id, PAUSED, "meal")
    states.request(agent.id, READY)
    states.request(agent.id, LOGGED_OFF)
    db.session.commit()
    assert [(action, fields.get("Paused"), fields.get("Reason")) for action, fields in _sent()[1:]] == [
        ("QueuePause", "true", "meal"), ("QueuePause", "false", ""), ("QueueRemove", None, None)]


def test_each_change_is_an_interval_closed_by_the_next(make_agent, pause_reasons):
    agent = make_agent("8003")
    states.request(agent.id, READY)
    states.request(agent.id, PAUSED, "training")
    states.record(agent.id, PAUSED, "training")  # Asterisk confirms: no new interval
    db.session.commit()
    rows = list(db.session.scalars(select(AgentStateChange).where(AgentStateChange.user_id == agent.id)
                                   .order_by(AgentStateChange.id)))
    assert [(r.state, r.reason) for r in rows] == [(READY, ""), (PAUSED, "training")]
    assert rows[0].until == rows[1].at and rows[1].until is None


def test_states_reach_the_agents_own_stream_and_the_team_stream(make_agent):
    agent = make_agent("8004")
    start = live.latest_id()
    states.record(agent.id, ON_CALL, uniqueid="1796154447.18", queue="postline-11185")
    db.session.commit()
    mine = live.since([live.agent_topic(agent.id)], start)
    team = live.since([live.TEAM], start)
    assert [e.kind for e in mine] == ["state"] and len(team) == 1
    assert live.payload_of(mine[0])["state"] == ON_CALL and live.payload_of(team[0])["queue"] == "postline-11185"


@pytest.mark.parametrize("setup, state, reason", [
    ("no profile", READY, ""), ("profile", PAUSED, "nap"), ("on call", READY, ""), ("profile", ON_CALL, "")])
def test_a_refused_change_says_why_and_sends_nothing(make_agent, make_user, pause_reasons, setup, state, reason):
    user = make_user("agent") if setup == "no profile" else make_agent("8005")
    if setup == "on call":
        states.record(user.id, ON_CALL, uniqueid="1.1")
    with pytest.raises(states.StateRefused) as refused:
        states.request(user.id, state, reason)
    assert str(refused.value)
    assert _sent() == []


def test_asterisk_names_find_the_agent_by_interface_or_member_name(make_agent):
    from app.agents.members import agent_for
    from app.agents.models import AgentProfile

    agent = make_agent("8006")
    db.session.get(AgentProfile, agent.id).member_name = "Agent 8006"
    db.session.commit()
    assert agent_for("PJSIP/8006").user_id == agent.id
    assert agent_for("Local/8006@agent-phone/n", "Agent 8006").user_id == agent.id
    assert agent_for("PJSIP/9999") is None and agent_for() is None
