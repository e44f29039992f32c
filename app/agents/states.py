"""An agent's state: what it is now (:class:`AgentStatus`), every change of it
(:class:`AgentStateChange`, closed by the next), and what Asterisk is told.

Two ways in. :func:`request` is a person (the agent on his desk, a team lead) asking for a
state: it is checked, recorded at once and sent to Asterisk through the CTI outbox
(``QueueAdd``/``QueueRemove``/``QueuePause`` with the pause reason, so queue_log carries
it). :func:`record` is what Asterisk reported (an AMI event: the member was paused on the
phone, a call rings, a call ends): recorded as it is, nothing sent back. Recording the same
state twice changes nothing, so the event that confirms a page's request does not split
the interval."""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from app.agents.models import (
    ACW,
    BY_ASTERISK,
    BY_PAGE,
    LOGGED_OFF,
    PAUSED,
    READY,
    AgentProfile,
    AgentStateChange,
    AgentStatus,
    PauseReason,
)
from app.cti import actions, live
from app.extensions import db
from app.timeutil import utcnow

#: States a person may ask for; the others (ringing, on a call) only Asterisk reports.
REQUESTABLE = (LOGGED_OFF, READY, PAUSED)


class StateRefused(ValueError):
    """The state asked for cannot be taken now; ``str()`` is the sentence for the user."""


def status_of(user_id: int) -> AgentStatus:
    """The agent's state row, created (logged off) the first time it is asked for."""
    status = db.session.get(AgentStatus, user_id)
    if status is None:
        status = AgentStatus(user_id=user_id, state=LOGGED_OFF, since=utcnow())
        db.session.add(status)
        db.session.flush()
    return status


def request(user_id: int, state: str, reason: str = "", *, source: str = BY_PAGE,
            actor: str = "") -> AgentStatus:
    """A person asks for ``state`` (``reason``: a pause reason's code). Raises
    :class:`StateRefused` when the agent has no member interface, the reason is unknown, or
    he is on a call (a call's state ends when the call does)."""
    profile = db.session.get(AgentProfile, user_id)
    if profile is None or not profile.active:
        raise StateRefused(_("This user has no agent extension; an administrator sets one up first."))
    if state not in REQUESTABLE:
        raise StateRefused(_("That state cannot be chosen."))
    status = status_of(user_id)
    if state == PAUSED:
        reason = _pause_reason(reason)
    elif state == READY and status.state not in (LOGGED_OFF, READY, PAUSED, ACW):
        raise StateRefused(_("The agent is on a call; the state changes when the call ends."))
    else:
        reason = ""
    _tell_asterisk(profile, status.state, state, reason, actor)
    return record(user_id, state, reason, source=source, actor=actor)


def record(user_id: int, state: str, reason: str = "", *, source: str = BY_ASTERISK, actor: str = "",
           uniqueid: str = "", queue: str = "", desk_call_id: int | None = None,
           at: datetime | None = None) -> AgentStatus:
    """Store that the agent is now in ``state`` and tell the live pages; nothing when he
    already is (same state, reason and call)."""
    status = status_of(user_id)
    if (status.state, status.reason, status.uniqueid) == (state, reason, uniqueid):
        return status
    at = at or utcnow()
    current = db.session.scalar(select(AgentStateChange).where(AgentStateChange.user_id == user_id,
                                                               AgentStateChange.until.is_(None))
                                .order_by(AgentStateChange.id.desc()).limit(1))
    if current is not None:
        current.until = at
    db.session.add(AgentStateChange(user_id=user_id, state=state, reason=reason, at=at, source=source,
                                    actor=actor))
    status.state, status.reason, status.since = state, reason, at
    status.uniqueid, status.queue, status.desk_call_id = uniqueid, queue, desk_call_id
    payload = {"user_id": user_id, "state": state, "reason": reason, "since": at.isoformat(),
               "queue": queue, "source": source}
    live.publish(live.agent_topic(user_id), "state", payload)
    live.publish(live.TEAM, "state", payload)
    return status


def _pause_reason(code: str) -> str:
    reason = db.session.scalar(select(PauseReason).where(PauseReason.code == code, PauseReason.active.is_(True)))
    if reason is None:
        raise StateRefused(_("Choose a pause reason."))
    return reason.code


def _tell_asterisk(profile: AgentProfile, old: str, new: str, reason: str, actor: str) -> None:
    """The AMI actions that take the member from ``old`` to ``new`` in his queues."""
    if new == LOGGED_OFF:
        for skill in profile.skills:
            actions.send("QueueRemove", actor, Queue=skill.queue, Interface=profile.interface)
        return
    paused = "true" if new == PAUSED else "false"
    if old == LOGGED_OFF:
        for skill in profile.skills:
            actions.send("QueueAdd", actor, Queue=skill.queue, Interface=profile.interface,
                         Penalty=str(skill.penalty), MemberName=profile.name_in_queue_log,
                         Paused=paused, Reason=reason)
        return
    actions.send("QueuePause", actor, Interface=profile.interface, Paused=paused, Reason=reason)
