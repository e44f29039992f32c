"""The screen pop's side of Asterisk's events: ``AgentConnect`` opens the agent's desk call
(or fills in the one a transfer prepared), records him on the call and pushes the pop to
his desk; ``AgentComplete`` closes the desk call with Asterisk's hold and talk times.

Called by the agents room's ``postline_ami_event`` in the worker, which commits after each
event: nothing here commits, and events of other kinds are ignored."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.agents import states
from app.agents.members import agent_for
from app.agents.models import INBOUND, ON_CALL, AgentProfile, DeskCall
from app.calls.callers import profile
from app.calls.models import CallRecord
from app.cti import live
from app.declarations import AmiEvent
from app.extensions import db

POP = "pop"


def on_event(event: AmiEvent) -> None:
    handler = HANDLERS.get(event.name)
    if handler is None:
        return
    agent = agent_for(event.get("Interface"), event.get("MemberName"))
    if agent is not None and event.get("Uniqueid"):
        handler(event, agent)


def pop_url(desk_call_id: int) -> str:
    """Where the desk fetches the pop's HTML (the worker has no request to build URLs from)."""
    return f"/desk/calls/{desk_call_id}/pop"


def connected(event: AmiEvent, agent: AgentProfile) -> DeskCall:
    """The agent answered a queued caller: his desk call, his state, his pop."""
    uniqueid = event.get("Uniqueid")
    call = _open_desk_call(uniqueid, agent.user_id) or DeskCall(
        agent_id=agent.user_id, uniqueid=uniqueid, direction=INBOUND,
        offered_at=event.received_at - timedelta(seconds=_seconds(event.get("RingTime")) or 0))
    record = _call_record(event)
    call.call_id = call.call_id or (record.id if record else None)
    call.channel = event.get("Channel") or call.channel
    call.agent_channel = event.get("DestChannel") or call.agent_channel
    call.queue = event.get("Queue") or call.queue
    call.caller = call.caller or event.get("CallerIDNum") or (record.caller if record else "")
    if call.customer_id is None and call.caller:
        call.customer_id = profile(call.caller).customer_id
    call.answered_at = call.answered_at or event.received_at
    db.session.add(call)
    db.session.flush()
    if call.transferred_from_id is None:
        call.transferred_from_id = _previous_leg(uniqueid, call.id)
    states.record(agent.user_id, ON_CALL, uniqueid=uniqueid, queue=call.queue, desk_call_id=call.id,
                  at=event.received_at)
    live.publish(live.agent_topic(agent.user_id), POP, {"desk_call_id": call.id, "url": pop_url(call.id)})
    return call


def completed(event: AmiEvent, agent: AgentProfile) -> DeskCall | None:
    """The call ended (either side hung up, or it was transferred on)."""
    call = db.session.scalar(select(DeskCall).where(
        DeskCall.uniqueid == event.get("Uniqueid"), DeskCall.agent_id == agent.user_id,
        DeskCall.ended_at.is_(None)).order_by(DeskCall.id.desc()).limit(1))
    if call is None:
        return None
    call.ended_at = event.received_at
    call.talk_s = _seconds(event.get("TalkTime"))
    call.hold_s = _seconds(event.get("HoldTime"))
    return call


def _open_desk_call(uniqueid: str, agent_id: int) -> DeskCall | None:
    """A desk call of this caller for this agent still going: one a transfer prepared (not
    answered yet), or the same call told twice."""
    return db.session.scalar(select(DeskCall).where(
        DeskCall.uniqueid == uniqueid, DeskCall.agent_id == agent_id, DeskCall.ended_at.is_(None))
        .order_by(DeskCall.answered_at.is_not(None), DeskCall.id.desc()).limit(1))


def _previous_leg(uniqueid: str, this_id: int) -> int | None:
    """The desk call of the agent who had this caller before (a transfer)."""
    return db.session.scalar(select(DeskCall.id).where(
        DeskCall.uniqueid == uniqueid, DeskCall.id != this_id, DeskCall.answered_at.is_not(None))
        .order_by(DeskCall.answered_at.desc(), DeskCall.id.desc()).limit(1))


def _call_record(event: AmiEvent) -> CallRecord | None:
    """The caller's IVR record: by the caller channel's uniqueid, else ``POSTLINE_CALL_ID``."""
    found = db.session.scalar(select(CallRecord).where(CallRecord.uniqueid == event.get("Uniqueid"))
                              .order_by(CallRecord.id.desc()).limit(1))
    if found is None:
        call_id = event.get("POSTLINE_CALL_ID")
        if call_id.isdigit() and len(call_id) < 19:
            found = db.session.get(CallRecord, int(call_id))
    return found


def _seconds(text: str) -> int | None:
    text = (text or "").strip()
    return int(text) if text.isdigit() and len(text) < 10 else None


HANDLERS = {"AgentConnect": connected, "AgentComplete": completed}
