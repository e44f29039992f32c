"""Desk calls as Asterisk would have left them, for the summary and transfer tests: an
answered call with the caller's and the agent's channels, and a client logged in as a given
user."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from app.agents.models import DeskCall
from app.extensions import db
from app.testing import submit
from app.testing.pytest_plugin import TEST_PASSWORD
from app.timeutil import utcnow


def answered_call(agent: Any, *, minutes_ago: int = 1, **fields: Any) -> DeskCall:
    """An answered, still running call of ``agent`` (his interface's channel)."""
    now = utcnow()
    extension = agent.username.removeprefix("agent")
    values = {"uniqueid": f"1796154447.{minutes_ago}{agent.id}", "channel": "PJSIP/trunk-0000001a",
              "agent_channel": f"PJSIP/{extension}-0000001b", "queue": "postline-11185",
              "caller": "13800138000", "offered_at": now - timedelta(minutes=minutes_ago, seconds=10),
              "answered_at": now - timedelta(minutes=minutes_ago)}
    values.update(fields)
    call = DeskCall(agent_id=agent.id, **values)
    db.session.add(call)
    db.session.commit()
    return call


def client_for(app: Any, user: Any) -> Any:
    client = app.test_client()
    response = submit(client, "/auth/login", {"username": user.username, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return client
