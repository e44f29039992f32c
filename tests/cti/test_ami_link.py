"""The worker's AMI link, its real pyst2 client against the AMI emulator over a socket:
login, events dispatched in order to ``postline_ami_event`` (each committed, a bad one
rolled back), the outbox sent and answered, a refused login, a connection dropped in the
middle of an event, AMI off, and actions expired while Asterisk is away."""
from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select

from app.api import hookimpl
from app.auth.models import Department
from app.cti import actions
from app.cti.ami import AmiLink
from app.cti.link_state import current
from app.cti.models import DONE, FAILED, PENDING, CtiAction
from app.cti.outbox import CONNECTION_LOST, NO_ANSWER, NOT_CONNECTED
from app.extensions import db

from cli_support import wait_for


class Listener:
    """A plugin that keeps every AMI event it is told of; a ``Write`` event adds the
    department named by its ``Code`` header (in the link's session, committed by it)."""

    def __init__(self) -> None:
        self.events: list[tuple[str, dict[str, str]]] = []

    @hookimpl
    def postline_ami_event(self, event: Any) -> None:
        self.events.append((event.name, dict(event.headers)))
        if event.name == "Write":
            db.session.add(Department(code=event.headers["Code"], name="来自 AMI"))

    def names(self, skip_booted: bool = True) -> list[str]:
        return [name for name, _ in self.events if not (skip_booted and name == "FullyBooted")]


@pytest.fixture
def listener() -> Listener:
    return Listener()


@pytest.fixture
def app_config(app_config: dict[str, Any], listener: Listener, ami_server: Any) -> dict[str, Any]:
    return {**app_config, "PLUGIN_OBJECTS": {"amitest": listener},
            "AMI_HOST": "127.0.0.1", "AMI_PORT": ami_server.port,
            "AMI_USERNAME": "postline", "AMI_SECRET": "s3cret",
            "AMI_RETRY_MIN": 0.05, "AMI_RETRY_MAX": 0.2, "AMI_POLL_SECONDS": 0.05,
            "AMI_RESPONSE_TIMEOUT": 1.0, "AMI_TOUCH_SECONDS": 0.0}


@pytest.fixture
def start_link(app: Any):
    """``start_link(**config)`` → a running AmiLink; stopped after the test."""
    started: list[AmiLink] = []

    def start(**config: Any) -> AmiLink:
        app.config.update(config)
        link = AmiLink(app).start()
        started.append(link)
        return link

    yield start
    for link in started:
        link.stop()


def link_row():
    db.session.expire_all()
    return current()


def link_is(state: str):
    return lambda: (row := link_row()) is not None and row.state == state and row


def action_row(row_id: int) -> CtiAction:
    db.session.expire_all()
    return db.session.get(CtiAction, row_id)


def finished(row_id: int):
    return lambda: (row := action_row(row_id)).state in (DONE, FAILED) and row


def queued(action: str, **fields: str) -> int:
    row = actions.send(action, actor="agent-8001", **fields)
    db.session.commit()
    return row.id


def test_the_link_logs_in_with_events_on_and_shows_it_is_up(start_link, ami_server):
    start_link()
    row = wait_for(link_is("up"), "the link up")
    assert row.host == f"127.0.0.1:{ami_server.port}"
    assert row.failures == 0
    login = ami_server.actions_named("Login")[0]
    assert login["Username"] == "postline" and login["Secret"] == "s3cret"
    assert login["Events"] == "on"
    assert ami_server.listening_clients(), "the link asked for events"


def test_events_reach_postline_ami_event_in_order_each_committed(start_link, ami_server, listener):
    link = start_link()
    wait_for(link_is("up"), "the link up")
    wait_for(lambda: "FullyBooted" in listener.names(skip_booted=False), "Asterisk's FullyBooted event")
    for position in range(1, 21):
        ami_server.emit("QueueCallerJoin", Queue="postline-11185", Position=str(position),
                        CallerIDNum="13800138000", Uniqueid=f"1700000000.{position}")
    ami_server.emit("Write", Code="ami-dept")
    wait_for(lambda: "Write" in listener.names(), "the last event")
    joins = [headers for name, headers in listener.events if name == "QueueCallerJoin"]
    assert [h["Position"] for h in joins] == [str(p) for p in range(1, 21)]
    assert joins[0]["Queue"] == "postline-11185" and joins[0]["CallerIDNum"] == "13800138000"
    assert wait_for(lambda: db.session.scalar(select(Department).where(Department.code == "ami-dept")),
                    "the department written by the handler, committed by the link")
    assert wait_for(lambda: link_row().last_event_at, "the time of the last event")
    link.stop()
    assert link_row().state == "down" and link_row().detail == "The worker stopped"
    assert ami_server.actions_named("Logoff"), "the link logs off when the worker stops"


def test_a_failing_event_is_rolled_back_and_the_next_ones_go_on(start_link, ami_server, listener):
    start_link()
    wait_for(link_is("up"), "the link up")
    ami_server.emit("Write", Code="same")
    ami_server.emit("Write", Code="same")  # a duplicate: its commit fails
    ami_server.emit("Write", Code="after")
    wait_for(lambda: listener.names().count("Write") == 3, "three events")
    wait_for(lambda: db.session.scalar(select(Department).where(Department.code == "after")),
             "the event after the failing one")
    codes = db.session.scalars(select(Department.code).where(Department.code.in_(["same", "after"])))
    assert sorted(codes) == ["after", "same"]


def test_outbox_actions_are_sent_with_their_fields_and_answered(start_link, ami_server):
    start_link()
    wait_for(link_is("up"), "the link up")
    first = queued("QueuePause", Interface="PJSIP/8001", Paused="true", Reason="meal")
    second = queued("Originate", Channel="PJSIP/8001", Exten="13800138000", Context="from-agents")
    done = wait_for(finished(second), "the Originate answered")
    assert done.state == DONE and done.error == ""
    assert json.loads(done.response)["Response"] == "Success"
    assert action_row(first).state == DONE
    assert action_row(first).sent_at and action_row(first).done_at
    sent = [a for a in ami_server.actions if a["Action"] in ("QueuePause", "Originate")]
    assert [a["Action"] for a in sent] == ["QueuePause", "Originate"]  # in id order
    assert {k: sent[0][k] for k in ("Interface", "Paused", "Reason")} == \
        {"Interface": "PJSIP/8001", "Paused": "true", "Reason": "meal"}
    assert sent[1]["Exten"] == "13800138000" and sent[1]["ActionID"]
    assert json.loads(done.response)["ActionID"] == sent[1]["ActionID"]


def test_an_action_asterisk_refuses_fails_with_its_message(start_link, ami_server):
    ami_server.fail("QueueAdd", "Unable to add interface: Already there")
    start_link()
    wait_for(link_is("up"), "the link up")
    refused = queued("QueueAdd", Queue="postline-11185", Interface="PJSIP/8001")
    accepted = queued("QueuePause", Interface="PJSIP/8001", Paused="false")
    row = wait_for(finished(refused), "the QueueAdd answered")
    assert row.state == FAILED and row.error == "Unable to add interface: Already there"
    assert json.loads(row.response)["Response"] == "Error"
    assert wait_for(finished(accepted), "the next action").state == DONE


def test_an_action_left_unanswered_fails_and_the_link_reconnects(start_link, ami_server):
    ami_server.respond("Originate", None)
    link = start_link()
    wait_for(link_is("up"), "the link up")
    row = wait_for(finished(queued("Originate", Channel="PJSIP/8002")), "the Originate given up")
    assert row.state == FAILED and row.error == NO_ANSWER
    wait_for(lambda: ami_server.logins >= 2, "a new login after the silent answer")
    wait_for(link_is("up"), "the link up again")
    assert "down" in link.state.history
    assert wait_for(finished(queued("Ping")), "an action on the new connection").state == DONE
    assert link_row().failures == 0  # counted back to nought by the login


def test_a_wrong_secret_is_shown_and_retried(start_link, ami_server):
    link = start_link(AMI_SECRET="wrong")
    row = wait_for(lambda: (r := link_row()) is not None and r.state == "down" and r.failures >= 2 and r,
                   "the refused login retried")
    assert "Authentication failed" in row.detail and "postline" in row.detail
    assert ami_server.refused_logins >= 2 and ami_server.logins == 0
    assert "up" not in link.state.history


def test_reconnecting_backs_off_doubling_to_the_cap_and_starts_again_after_a_login(start_link, ami_server):
    ami_server.stop()
    link = start_link()
    wait_for(lambda: link.state.failures >= 4, "four failed tries")
    waits = [d.rsplit("retrying in ", 1)[1] for d in link.state.details if "retrying in" in d]
    assert waits[:4] == ["0.05 s", "0.1 s", "0.2 s", "0.2 s"]  # AMI_RETRY_MIN doubled up to AMI_RETRY_MAX
    assert link.state.details[1].startswith(f"Cannot connect to 127.0.0.1:{ami_server.port}: ")
    ami_server.start()
    wait_for(link_is("up"), "the link up once Asterisk is back")
    assert link_row().failures == 0
    ami_server.drop()
    wait_for(lambda: link.state.history.count("up") >= 2, "the link up again")
    after_login = [d for d in link.state.details[link.state.history.index("up"):] if "retrying in" in d]
    assert after_login[0].startswith("The connection was closed") and after_login[0].endswith("0.05 s")


def test_a_connection_dropped_mid_event_comes_back_and_later_events_arrive(start_link, ami_server, listener):
    link = start_link()
    wait_for(link_is("up"), "the link up")
    ami_server.emit("AgentCalled", Queue="postline-11185", Interface="PJSIP/8001")
    wait_for(lambda: "AgentCalled" in listener.names(), "the first event")
    ami_server.stop()
    ami_server.start()  # same port
    ami_server.wait_for(lambda: ami_server.listening_clients(), timeout=10)
    ami_server.drop(mid_event=True)
    wait_for(lambda: ami_server.logins >= 3, "two reconnections")
    wait_for(link_is("up"), "the link up again")
    ami_server.wait_for(lambda: ami_server.listening_clients(), timeout=10)
    ami_server.emit("AgentComplete", Queue="postline-11185", TalkTime="42", Reason="caller")
    wait_for(lambda: "AgentComplete" in listener.names(), "the event after the reconnection")
    assert listener.names() == ["AgentCalled", "AgentComplete"]  # the half event is not dispatched
    assert link.state.history[:2] == ["connecting", "up"]
    assert link.state.history.count("down") >= 2 and link.state.history[-1] == "up"


def test_pending_actions_expire_while_asterisk_is_away(start_link, ami_server, app):
    ami_server.stop()
    old = actions.send("QueuePause", actor="agent-8001", Interface="PJSIP/8001", Paused="true")
    from datetime import timedelta

    from app.timeutil import utcnow
    old.requested_at = utcnow() - timedelta(seconds=120)
    db.session.commit()
    fresh = queued("QueuePause", Interface="PJSIP/8002", Paused="true")
    start_link(AMI_ACTION_EXPIRY=60.0)
    row = wait_for(finished(old.id), "the old action expired")
    assert row.state == FAILED and row.error == NOT_CONNECTED
    assert wait_for(link_is("down"), "the link down").detail.startswith("Cannot connect to 127.0.0.1:")
    assert action_row(fresh).state == PENDING  # still young: sent once Asterisk is back
    ami_server.start()
    assert wait_for(finished(fresh), "the young action sent after reconnecting").state == DONE


def test_ami_off_when_no_host_and_actions_fail_after_the_expiry(start_link, ami_server):
    link = start_link(AMI_HOST="", AMI_ACTION_EXPIRY=0.0)
    row = wait_for(link_is("off"), "the link off")
    assert row.host == "" and row.detail == "AMI_HOST is empty"
    action = wait_for(finished(queued("Originate", Channel="PJSIP/8003")), "the action failed")
    assert action.error == NOT_CONNECTED
    assert ami_server.connections == 0
    link.stop()


def test_an_action_interrupted_by_a_stopped_worker_is_not_sent_again(start_link, ami_server):
    row = actions.send("Redirect", actor="agent-8001", Channel="PJSIP/8001-0001", Exten="8002")
    row.state = "sent"
    db.session.commit()
    start_link()
    wait_for(link_is("up"), "the link up")
    failed = wait_for(finished(row.id), "the interrupted action failed")
    assert failed.state == FAILED and "stopped" in failed.error
    assert not ami_server.actions_named("Redirect")


def test_the_connection_lost_while_sending_fails_that_action(start_link, ami_server):
    ami_server.respond("Atxfer", None)
    start_link(AMI_RESPONSE_TIMEOUT=10.0)
    wait_for(link_is("up"), "the link up")
    row_id = queued("Atxfer", Channel="PJSIP/8001-0001", Exten="8002")
    ami_server.wait_for(lambda: ami_server.actions_named("Atxfer"))
    ami_server.drop()
    row = wait_for(finished(row_id), "the Atxfer failed")
    assert row.state == FAILED and row.error in (CONNECTION_LOST, NO_ANSWER)


def test_a_page_can_wait_for_the_answer(start_link, ami_server):
    start_link()
    wait_for(link_is("up"), "the link up")
    row_id = queued("QueuePause", Interface="PJSIP/8004", Paused="true", Reason="training")
    answered = actions.wait_for(row_id, timeout=10)
    assert answered.state == DONE and json.loads(answered.response)["Response"] == "Success"
    assert actions.wait_for(10**9) is None


def test_waiting_for_an_action_nobody_sends_gives_up_after_the_timeout(app):
    row_id = queued("QueuePause", Interface="PJSIP/8004", Paused="true")
    assert actions.wait_for(row_id, timeout=0.2, interval=0.05).state == PENDING
