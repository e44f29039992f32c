"""Agent states from what Asterisk reports: each AMI event sequence (as the worker passes
it to ``dispatch``) leaves the agent in the right state with the right intervals, and the
ACW limit job ends after-call work past its limit."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.agents import acw, states
from app.agents.models import (
    ACW,
    BY_ASTERISK,
    BY_SYSTEM,
    LOGGED_OFF,
    ON_CALL,
    PAUSED,
    READY,
    RINGING,
    AgentStateChange,
    AgentStatus,
)
from app.agents.queue_models import AgentQueueMember
from app.cti import live
from app.cti.events import dispatch
from app.cti.models import CtiAction
from app.extensions import db
from app.timeutil import utcnow

Q = "postline-11185"


def _event(name: str, **headers: str) -> None:
    dispatch({"Event": name, **headers})


def _intervals(user_id: int) -> list[tuple[str, str]]:
    return [(row.state, row.reason) for row in db.session.scalars(
        select(AgentStateChange).where(AgentStateChange.user_id == user_id).order_by(AgentStateChange.id))]


def _sent() -> list[tuple[str, dict]]:
    return [(row.action, json.loads(row.fields)) for row in db.session.scalars(select(CtiAction).order_by(CtiAction.id))]


@pytest.fixture
def ready_agent(make_agent):
    agent = make_agent("8001", queues={Q: 0, "postline-ems": 1})
    _event("QueueMemberAdded", Queue=Q, Interface="PJSIP/8001", MemberName="PJSIP/8001", Paused="0")
    _event("QueueMemberAdded", Queue="postline-ems", Interface="PJSIP/8001", MemberName="PJSIP/8001", Paused="0")
    db.session.commit()
    return agent


def test_a_member_added_on_the_phone_is_logged_in_once(ready_agent):
    assert _intervals(ready_agent.id) == [(READY, "")]
    row = db.session.scalars(select(AgentStateChange).where(AgentStateChange.user_id == ready_agent.id)).one()
    assert row.source == BY_ASTERISK


def test_a_member_added_paused_is_paused_with_the_reason(make_agent, pause_reasons):
    agent = make_agent("8009")
    _event("QueueMemberAdded", Queue=Q, Interface="PJSIP/8009", MemberName="PJSIP/8009", Paused="1",
           PausedReason="meal")
    assert (states.status_of(agent.id).state, states.status_of(agent.id).reason) == (PAUSED, "meal")


def test_a_queue_call_rings_is_answered_elsewhere_and_ends_in_after_call_work_once(ready_agent):
    _event("AgentCalled", Queue=Q, Interface="PJSIP/8001", MemberName="PJSIP/8001", Channel="PJSIP/trunk-01",
           Uniqueid="1796154447.18", DestChannel="PJSIP/8001-0000002a")
    status = states.status_of(ready_agent.id)
    assert (status.state, status.uniqueid, status.queue) == (RINGING, "1796154447.18", Q)
    states.record(ready_agent.id, ON_CALL, uniqueid="1796154447.18", queue=Q)  # the desk call module's part
    _event("AgentComplete", Queue=Q, Interface="PJSIP/8001", MemberName="PJSIP/8001", HoldTime="12",
           TalkTime="95", Reason="caller", Uniqueid="1796154447.18")
    # the dialplan (POSTLINE_ACW_PAUSE=yes) pauses him with reason ACW in both queues
    for queue in (Q, "postline-ems"):
        _event("QueueMemberPause", Queue=queue, Interface="PJSIP/8001", MemberName="PJSIP/8001", Paused="1",
               PausedReason="ACW")
    db.session.commit()
    assert _intervals(ready_agent.id) == [(READY, ""), (RINGING, ""), (ON_CALL, ""), (ACW, "ACW")]
    assert states.status_of(ready_agent.id).queue == Q  # the ACW limit is the call's queue's


def test_ring_no_answer_is_ready_again_or_paused_when_asterisk_autopauses_in_either_order(ready_agent, make_agent):
    ring = {"Queue": Q, "Interface": "PJSIP/8001", "MemberName": "PJSIP/8001", "Uniqueid": "1.1"}
    _event("AgentCalled", **ring)
    _event("AgentRingNoAnswer", RingTime="15", **ring)
    assert states.status_of(ready_agent.id).state == READY

    pause = {"Queue": Q, "Interface": "PJSIP/8001", "MemberName": "PJSIP/8001", "Paused": "1",
             "PausedReason": "Auto-Pause"}
    _event("AgentCalled", **{**ring, "Uniqueid": "1.2"})
    _event("QueueMemberPause", **pause)
    _event("AgentRingNoAnswer", RingTime="15", **{**ring, "Uniqueid": "1.2"})
    assert (states.status_of(ready_agent.id).state, states.status_of(ready_agent.id).reason) == (PAUSED, "Auto-Pause")

    other = make_agent("8002")
    _event("QueueMemberAdded", Queue=Q, Interface="PJSIP/8002", MemberName="PJSIP/8002", Paused="0")
    ring2 = {**ring, "Interface": "PJSIP/8002", "MemberName": "PJSIP/8002", "Uniqueid": "1.3"}
    _event("AgentCalled", **ring2)
    _event("AgentRingNoAnswer", RingTime="15", **ring2)
    _event("QueueMemberPause", **{**pause, "Interface": "PJSIP/8002", "MemberName": "PJSIP/8002"})
    assert _intervals(other.id) == [(READY, ""), (RINGING, ""), (READY, ""), (PAUSED, "Auto-Pause")]


def test_pause_and_unpause_on_the_phone(ready_agent, pause_reasons):
    member = {"Queue": Q, "Interface": "PJSIP/8001", "MemberName": "PJSIP/8001"}
    _event("QueueMemberPause", Paused="1", PausedReason="meal", **member)
    _event("QueueMemberPause", Paused="1", PausedReason="meal", **{**member, "Queue": "postline-ems"})
    _event("QueueMemberPause", Paused="0", PausedReason="", **member)
    db.session.commit()
    assert _intervals(ready_agent.id) == [(READY, ""), (PAUSED, "meal"), (READY, "")]


def test_a_pause_during_a_call_waits_for_the_call_to_end(ready_agent, pause_reasons):
    states.record(ready_agent.id, ON_CALL, uniqueid="2.1", queue=Q)
    member = {"Queue": Q, "Interface": "PJSIP/8001", "MemberName": "PJSIP/8001"}
    _event("QueueMemberPause", Paused="1", PausedReason="meal", **member)
    assert states.status_of(ready_agent.id).state == ON_CALL
    _event("AgentComplete", TalkTime="30", HoldTime="3", Reason="agent", Uniqueid="2.1", **member)
    assert states.status_of(ready_agent.id).state == ACW
    # the member's status after the call carries his pause: the pause he chose wins
    _event("QueueMemberStatus", Status="1", Paused="1", PausedReason="meal", InCall="0", **member)
    assert (states.status_of(ready_agent.id).state, states.status_of(ready_agent.id).reason) == (PAUSED, "meal")


def test_after_call_work_is_not_ended_by_a_member_status_that_is_not_paused(ready_agent):
    member = {"Queue": Q, "Interface": "PJSIP/8001", "MemberName": "PJSIP/8001"}
    _event("AgentComplete", TalkTime="30", HoldTime="3", Reason="caller", Uniqueid="2.2", **member)
    _event("QueueMemberStatus", Status="1", Paused="0", PausedReason="", InCall="0", **member)
    assert states.status_of(ready_agent.id).state == ACW


def test_removed_from_the_last_queue_is_logged_off(ready_agent):
    member = {"Interface": "PJSIP/8001", "MemberName": "PJSIP/8001"}
    _event("QueueMemberRemoved", Queue=Q, **member)
    assert states.status_of(ready_agent.id).state == READY
    _event("QueueMemberRemoved", Queue="postline-ems", **member)
    db.session.commit()
    assert states.status_of(ready_agent.id).state == LOGGED_OFF
    assert db.session.scalars(select(AgentQueueMember)).all() == []


def test_member_status_resyncs_a_missed_pause_and_notes_an_unregistered_phone(ready_agent, pause_reasons):
    member = {"Queue": Q, "Interface": "PJSIP/8001", "MemberName": "PJSIP/8001"}
    _event("QueueMemberStatus", Status="1", Paused="1", PausedReason="training", InCall="0", **member)
    assert states.status_of(ready_agent.id).reason == "training"
    _event("QueueMemberStatus", Status="1", Paused="1", PausedReason="", InCall="0", **member)
    assert states.status_of(ready_agent.id).reason == "training"  # a status without a reason keeps it
    _event("QueueMemberStatus", Status="5", Paused="1", PausedReason="training", InCall="0", **member)
    assert states.status_of(ready_agent.id).state == PAUSED  # the state stays; the phone is shown offline
    row = db.session.scalar(select(AgentQueueMember).where(AgentQueueMember.queue == Q))
    assert row.device_status == 5


def test_members_postline_does_not_know_are_ignored(ready_agent):
    before = live.latest_id()
    _event("AgentCalled", Queue=Q, Interface="PJSIP/9999", MemberName="Other", Uniqueid="3.1")
    _event("QueueMemberAdded", Queue=Q, Interface="PJSIP/9999", MemberName="Other", Paused="0")
    _event("Hangup", Channel="PJSIP/9999-01", Uniqueid="3.1")
    assert db.session.scalar(select(AgentStatus).where(AgentStatus.user_id != ready_agent.id)) is None
    assert [e.kind for e in live.since([live.TEAM], before)] == []


def test_member_found_by_member_name(make_agent):
    agent = make_agent("8005")
    from app.agents.models import AgentProfile
    db.session.get(AgentProfile, agent.id).member_name = "Agent 8005"
    db.session.commit()
    _event("QueueMemberAdded", Queue=Q, Interface="Local/8005@agent-phone/n", MemberName="Agent 8005", Paused="0")
    assert states.status_of(agent.id).state == READY


def test_waiting_callers_per_queue_are_counted_and_published(app):
    from app.agents.waiting import queue_now

    start = live.latest_id()
    _event("QueueCallerJoin", Queue=Q, Position="1", Count="1", CallerIDNum="13800000001", Uniqueid="4.1",
           Channel="PJSIP/trunk-1")
    _event("QueueCallerJoin", Queue=Q, Position="2", Count="2", CallerIDNum="13800000002", Uniqueid="4.2",
           Channel="PJSIP/trunk-2")
    _event("QueueCallerJoin", Queue="postline-ems", Position="1", Count="1", CallerIDNum="1", Uniqueid="4.3")
    _event("QueueCallerAbandon", Queue=Q, Position="1", OriginalPosition="1", HoldTime="20", Uniqueid="4.1")
    _event("QueueCallerLeave", Queue="postline-ems", Count="0", Position="1", Uniqueid="4.3")
    db.session.commit()
    assert (queue_now(Q).waiting, queue_now("postline-ems").waiting) == (1, 0)
    assert queue_now(Q).longest_since is not None and queue_now("postline-ems").longest_since is None
    events = [live.payload_of(e) for e in live.since([live.QUEUES], start)]
    assert [(e["queue"], e["waiting"]) for e in events] == [(Q, 1), (Q, 2), ("postline-ems", 1), (Q, 1),
                                                            ("postline-ems", 0)]


def test_the_acw_limit_job_makes_the_agent_ready_and_unpauses_him(ready_agent, make_agent, app):
    app.config.update(ACW_LIMIT_SECONDS=60, ACW_LIMIT_BY_QUEUE="postline-complaint=180, bad, x=y")
    member = {"Queue": Q, "Interface": "PJSIP/8001", "MemberName": "PJSIP/8001"}
    _event("AgentComplete", TalkTime="30", HoldTime="3", Reason="caller", Uniqueid="5.1", **member)
    slow = make_agent("8006", queues={"postline-complaint": 0})
    states.record(slow.id, ACW, "ACW", queue="postline-complaint", at=utcnow() - timedelta(seconds=90))
    db.session.commit()
    assert acw.end_overdue() == 0  # 8001 just started; 8006 has 180 s in the complaint queue
    status = db.session.get(AgentStatus, ready_agent.id)
    status.since = utcnow() - timedelta(seconds=61)
    db.session.commit()
    assert acw.end_overdue() == 1
    assert states.status_of(ready_agent.id).state == READY and states.status_of(slow.id).state == ACW
    last = db.session.scalars(select(AgentStateChange).where(AgentStateChange.user_id == ready_agent.id)
                              .order_by(AgentStateChange.id.desc())).first()
    assert (last.state, last.source) == (READY, BY_SYSTEM)
    assert _sent()[-1] == ("QueuePause", {"Interface": "PJSIP/8001", "Paused": "false", "Reason": ""})


def test_acw_limit_per_queue_and_off(app):
    app.config.update(ACW_LIMIT_SECONDS=45, ACW_LIMIT_BY_QUEUE="postline-complaint=180,postline-12329 = 90")
    assert [acw.limit_seconds(q) for q in ("postline-complaint", "postline-12329", Q, "")] == [180, 90, 45, 45]
    app.config.update(ACW_LIMIT_SECONDS=0)
    assert acw.limit_seconds(Q) == 0


def test_a_queue_status_answer_puts_waiting_callers_and_members_right(ready_agent, pause_reasons):
    from app.agents.waiting import queue_now

    _event("QueueCallerJoin", Queue=Q, Position="1", Count="1", CallerIDNum="1", Uniqueid="6.1")  # left unseen
    _event("QueueParams", Queue=Q, Max="0", Strategy="rrmemory", Calls="1")
    _event("QueueMember", Queue=Q, MemberName="PJSIP/8001", Interface="PJSIP/8001", Status="1", Paused="1",
           PausedReason="meal", InCall="0")
    _event("QueueEntry", Queue=Q, Position="1", Channel="PJSIP/trunk-9", Uniqueid="6.2", CallerIDNum="2",
           Wait="40")
    _event("QueueStatusComplete", EventList="Complete", ListItems="3")
    db.session.commit()
    now = queue_now(Q)
    assert now.waiting == 1 and utcnow() - now.longest_since >= timedelta(seconds=40)
    assert (states.status_of(ready_agent.id).state, states.status_of(ready_agent.id).reason) == (PAUSED, "meal")
