"""Agent states from what Asterisk reports (AMI events), recorded with
:func:`app.agents.states.record` (source ``asterisk``), never sent back.

What each event means for the agent it names (a member PostLine does not know is ignored):

- ``AgentCalled``: his phone rings for a queue caller → ringing.
- ``AgentRingNoAnswer``: he let it ring out → ready again; but when the queue autopaused
  him (``autopause``), a ``QueueMemberPause`` comes too, before or after this event, and
  the pause wins whatever the order.
- ``AgentComplete``: the call is over → after-call work (reason ``ACW``) at once, whether
  or not the dialplan also pauses him with reason ``ACW`` (that ``QueueMemberPause`` then
  confirms the same state and does not split the interval). A pause he chose during the
  call is kept. The ACW limit job (:mod:`app.agents.acw`) ends it.
- ``QueueMemberPause``: paused on the phone, the CLI or by the dialplan → paused with its
  reason (``ACW``: after-call work); unpaused → ready. During a call it waits: the call's
  state ends when the call does, and the ``QueueMemberStatus`` after the call resyncs.
- ``QueueMemberAdded`` to a queue while logged off → logged in (ready, or paused when added
  paused); ``QueueMemberRemoved`` from his last queue → logged off.
- ``QueueMemberStatus`` resynchronises a logged-in agent's pause (missed events, a restart
  of PostLine) and keeps the phone's device state: ``Status`` 5 (unavailable, the phone is
  not registered) does not change his state, which stays what the centre decided, but the
  team lead's page and the desk show "phone offline" next to it. ``QueueMember`` (one per
  member in the answer to a ``QueueStatus`` action, e.g. the team page's "resync") is read
  the same way.

``AgentConnect`` is not handled here: the desk call module records "on a call" with the
desk call. Caller events (``QueueCaller*``) go to :mod:`app.agents.waiting`."""
from __future__ import annotations

from sqlalchemy import delete, func, select

from app.agents import states, waiting
from app.agents.members import agent_for
from app.agents.models import (
    ACW,
    ACW_REASON,
    BY_ASTERISK,
    LOGGED_OFF,
    ON_CALL,
    PAUSED,
    READY,
    RINGING,
    AgentProfile,
    AgentStatus,
)
from app.agents.queue_models import AgentQueueMember
from app.declarations import AmiEvent
from app.extensions import db
from app.timeutil import utcnow

#: States that belong to a call: only the call's own events end them.
CALL_STATES = (RINGING, ON_CALL)


def on_event(event: AmiEvent) -> None:
    """Record what ``event`` says about an agent's state; ignore the rest."""
    waiting.on_event(event)
    handler = HANDLERS.get(event.name)
    if handler is None:
        return
    profile = agent_for(event.get("Interface"), event.get("MemberName"))
    if profile is not None:
        handler(profile, states.status_of(profile.user_id), event)


def _called(profile: AgentProfile, status: AgentStatus, event: AmiEvent) -> None:
    if status.state in (READY, ACW, PAUSED, RINGING):
        _record(profile, RINGING, event, uniqueid=event.get("Uniqueid"), queue=event.get("Queue"))


def _ring_no_answer(profile: AgentProfile, status: AgentStatus, event: AmiEvent) -> None:
    if status.state == RINGING and status.uniqueid in ("", event.get("Uniqueid")):
        _record(profile, READY, event)


def _complete(profile: AgentProfile, status: AgentStatus, event: AmiEvent) -> None:
    if status.state in (READY, RINGING, ON_CALL):
        _record(profile, ACW, event, reason=ACW_REASON, queue=event.get("Queue") or status.queue)


def _pause(profile: AgentProfile, status: AgentStatus, event: AmiEvent) -> None:
    _member_in(profile, event.get("Queue"))
    if status.state in CALL_STATES and not (status.state == RINGING and _paused(event)):
        return  # a ring that ends in an autopause is the one pause that cannot wait
    _record_pause(profile, status, event)


def _added(profile: AgentProfile, status: AgentStatus, event: AmiEvent) -> None:
    _member_in(profile, event.get("Queue"))
    if status.state == LOGGED_OFF:
        _record_pause(profile, status, event)


def _removed(profile: AgentProfile, status: AgentStatus, event: AmiEvent) -> None:
    db.session.execute(delete(AgentQueueMember).where(AgentQueueMember.user_id == profile.user_id,
                                                      AgentQueueMember.queue == event.get("Queue")))
    left = db.session.scalar(select(func.count(AgentQueueMember.id))
                             .where(AgentQueueMember.user_id == profile.user_id))
    if not left and status.state != LOGGED_OFF:
        _record(profile, LOGGED_OFF, event)


def _member_status(profile: AgentProfile, status: AgentStatus, event: AmiEvent) -> None:
    member = _member_in(profile, event.get("Queue"))
    if member is not None and event.get("Status").isdigit():
        member.device_status = int(event.get("Status"))
    if status.state in CALL_STATES:
        return
    if status.state == ACW and not _paused(event):
        return  # after-call work is PostLine's own: Asterisk need not pause for it
    if status.state in (ACW, PAUSED) and _paused(event) and event.get("PausedReason") == "":
        return  # no reason said: the one PostLine knows stays
    if status.state == ACW and event.get("PausedReason") == ACW_REASON:
        return
    _record_pause(profile, status, event)


def _record_pause(profile: AgentProfile, status: AgentStatus, event: AmiEvent) -> None:
    """Ready or paused (with the event's reason; ``ACW`` is after-call work), as the event
    says; an unpause does not end a call."""
    if not _paused(event):
        if status.state not in CALL_STATES:
            _record(profile, READY, event)
        return
    reason = event.get("PausedReason")[:32]
    if reason == ACW_REASON:
        _record(profile, ACW, event, reason=ACW_REASON, queue=status.queue if status.state == ACW else "")
    else:
        _record(profile, PAUSED, event, reason=reason)


def _paused(event: AmiEvent) -> bool:
    return event.get("Paused") in ("1", "true", "yes")


def _member_in(profile: AgentProfile, queue: str) -> AgentQueueMember | None:
    """The membership the event proves (created on first sight)."""
    if not queue:
        return None
    member = db.session.scalar(select(AgentQueueMember).where(AgentQueueMember.user_id == profile.user_id,
                                                              AgentQueueMember.queue == queue))
    if member is None:
        member = AgentQueueMember(user_id=profile.user_id, queue=queue)
        db.session.add(member)
    member.updated_at = utcnow()
    db.session.flush()
    return member


def _record(profile: AgentProfile, state: str, event: AmiEvent, *, reason: str = "", uniqueid: str = "",
            queue: str = "") -> None:
    states.record(profile.user_id, state, reason, source=BY_ASTERISK, uniqueid=uniqueid, queue=queue,
                  at=event.received_at)


HANDLERS = {
    "AgentCalled": _called,
    "AgentRingNoAnswer": _ring_no_answer,
    "AgentComplete": _complete,
    "QueueMemberPause": _pause,
    "QueueMemberAdded": _added,
    "QueueMemberRemoved": _removed,
    "QueueMemberStatus": _member_status,
    "QueueMember": _member_status,  # the same facts, in the answer to a QueueStatus action
}
