"""Passing a call on with its data (转接): to another agent or to a skill group's queue, blind,
attended, or as a three-way consultation (三方通话), through Asterisk's manager interface.

What Asterisk is asked (every action goes through the CTI outbox, :func:`app.cti.actions.send`):

- **blind**: ``Setvar`` ``POSTLINE_TRANSFER_FROM`` (this desk call's id) on the caller's
  channel, then ``Redirect`` of the caller's channel to ``[postline-transfer]``: exten
  ``q<queue>`` (back into ``[postline-queue]`` with that queue) or ``a<extension>`` (the agent's
  phone is dialled; ``POSTLINE_TRANSFER_TO`` carries his member interface). The agent's leg
  hangs up when the caller leaves the bridge.
- **attended**: the same variables, inheritable (``__``), on the *agent's* channel, then
  ``Atxfer`` of the agent's channel to ``[postline-consult]``: Asterisk holds the caller and
  dials the target over a Local channel, which inherits the variables; when the agent hangs
  up the caller is joined to the target, and if the target does not answer the agent has the
  caller back.
- **conference**: ``Redirect`` of both channels at once (``ExtraChannel``, so neither is hung
  up when the other leaves their bridge) into ``[postline-conference]``, the caller to
  ``c<id>`` and the agent to ``m<id>``, where both enter the ConfBridge ``postline-<id>``;
  then ``Originate`` of the target agent's interface into ``m<id>``. Agents are marked
  users and the caller ``end_marked``: the conference lasts while one agent is in it, so
  the first agent may drop out and leave the caller with the second. Only an agent can be
  brought into a conference: a queue offers nobody to name.

The data follows the call: the summary so far is saved on this agent's desk call (the page
posts what was typed), ``transfer_kind`` says how he passed it on, and for an agent target
the next agent's desk call is created at once (same caller, IVR record, customer,
``transferred_from``) with a ``pop`` live event to his desk. For a queue target the agent
who answers is not known yet: his ``AgentConnect`` for the same caller links the new desk
call to this one."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from app.agents import states
from app.agents.models import READY, AgentProfile, AgentSkill, AgentStatus, DeskCall
from app.audit.listener import record
from app.auth.models import User
from app.cti import actions, live
from app.cti.models import FAILED, CtiAction
from app.extensions import db
from app.timeutil import utcnow

BLIND, ATTENDED, CONFERENCE = "blind", "attended", "conference"
KINDS = {BLIND: _l("Blind transfer"), ATTENDED: _l("Attended transfer (talk to them first)"),
         CONFERENCE: _l("Three-way call")}

TRANSFER_CONTEXT = "postline-transfer"
CONSULT_CONTEXT = "postline-consult"
CONFERENCE_CONTEXT = "postline-conference"
FROM_VARIABLE = "POSTLINE_TRANSFER_FROM"
TO_VARIABLE = "POSTLINE_TRANSFER_TO"
#: How long the conference's third party is rung (Originate's Timeout, milliseconds).
CONFERENCE_RING_MS = "30000"

AGENT, QUEUE = "agent", "queue"


class TransferRefused(ValueError):
    """The transfer cannot be made; ``str()`` is the sentence for the user."""


@dataclass(frozen=True)
class Target:
    """Where a call goes: an agent (with his profile) or a queue."""

    kind: str
    queue: str = ""
    profile: AgentProfile | None = None

    @property
    def exten(self) -> str:
        """The extension in the transfer contexts: ``q<queue>`` or ``a<extension>``."""
        if self.profile is None:
            return f"q{self.queue}"
        return f"a{self.profile.extension or self.profile.user_id}"


@dataclass(frozen=True)
class AgentChoice:
    profile: AgentProfile
    state: str

    @property
    def ready(self) -> bool:
        return self.state == READY


def known_queues() -> list[str]:
    """The skill groups' queues: every queue an active agent serves."""
    return list(db.session.scalars(
        select(AgentSkill.queue).join(AgentProfile, AgentProfile.user_id == AgentSkill.user_id)
        .where(AgentProfile.active.is_(True)).distinct().order_by(AgentSkill.queue)))


def agent_choices(besides: int) -> list[AgentChoice]:
    """The other active agents with their state now (only ready ones can take a call)."""
    rows = db.session.execute(
        select(AgentProfile, AgentStatus.state).join(User, User.id == AgentProfile.user_id)
        .outerjoin(AgentStatus, AgentStatus.user_id == AgentProfile.user_id)
        .where(AgentProfile.active.is_(True), AgentProfile.user_id != besides)
        .order_by(User.username)).all()
    return [AgentChoice(profile, state or "logged_off") for profile, state in rows]


def parse_target(value: str, besides: int) -> Target:
    """``agent:<user id>`` or ``queue:<name>`` as a :class:`Target`, checked: the agent
    active, not the one passing the call on, and ready; the queue a known one."""
    kind, _sep, rest = (value or "").partition(":")
    if kind == QUEUE:
        if rest not in known_queues():
            raise TransferRefused(_("There is no skill group queue “%(queue)s”.", queue=rest))
        return Target(QUEUE, queue=rest)
    if kind == AGENT and rest.isdigit() and len(rest) < 10:
        profile = db.session.get(AgentProfile, int(rest))
        if profile is None or not profile.active or profile.user_id == besides:
            raise TransferRefused(_("Choose another agent or a queue to transfer the call to."))
        if states.status_of(profile.user_id).state != READY:
            raise TransferRefused(_("%(name)s is not ready to take a call; choose a ready agent or a queue.",
                                    name=profile.user.display_name or profile.user.username))
        return Target(AGENT, profile=profile)
    raise TransferRefused(_("Choose an agent or a queue to transfer the call to."))


def transfer(call: DeskCall, user: User, target: Target, kind: str) -> DeskCall | None:
    """Ask Asterisk to pass the call on and carry its data; the next agent's desk call for
    an agent target (``None`` for a queue). Does not commit."""
    check(call, target, kind)
    actor = user.username
    if kind == BLIND:
        _blind(call, target, actor)
    elif kind == ATTENDED:
        _attended(call, target, actor)
    else:
        _conference(call, target, actor)
    call.transfer_kind = kind
    following = _next_call(call, target) if target.profile is not None else None
    record("transfer", "DeskCall", str(call.id),
           {"kind": kind, "to": target.queue or (target.profile.interface if target.profile else ""),
            "next_desk_call": following.id if following else None})
    return following


def actions_of(call: DeskCall, limit: int = 10) -> list[CtiAction]:
    """The AMI actions asked for this call's channels, newest first: the page shows a
    transfer Asterisk refused (the worker writes the state and the error back)."""
    channels = [c for c in (call.channel, call.agent_channel) if c]
    if not channels:
        return []
    needles = [CtiAction.fields.contains(f'"{channel}"', autoescape=True) for channel in channels]
    return list(db.session.scalars(select(CtiAction).where(or_(*needles), CtiAction.action.in_(
        ("Redirect", "Atxfer", "Originate"))).order_by(CtiAction.id.desc()).limit(limit)))


def check(call: DeskCall, target: Target, kind: str) -> None:
    """Refuse (:class:`TransferRefused`) a transfer this call cannot have now."""
    if kind not in KINDS:
        raise TransferRefused(_("Choose how to transfer the call."))
    if call.answered_at is None or call.ended_at is not None:
        raise TransferRefused(_("Only a call in progress can be transferred."))
    if call.transfer_kind == BLIND and _still_asked(call):
        raise TransferRefused(_("The caller is being transferred already; wait for Asterisk's answer."))
    if kind == CONFERENCE and target.profile is None:
        raise TransferRefused(_("A three-way call needs an agent; a queue cannot be brought into it."))
    if kind in (BLIND, CONFERENCE) and not call.channel:
        raise TransferRefused(_("Asterisk has not told us the caller's channel, so the call cannot be "
                                "transferred from here; transfer it on the phone."))
    if kind in (ATTENDED, CONFERENCE) and not call.agent_channel:
        raise TransferRefused(_("Asterisk has not told us your phone's channel, so the call cannot be "
                                "transferred from here; transfer it on the phone."))


def _still_asked(call: DeskCall) -> bool:
    """A blind transfer asked for and not refused by Asterisk: asking again would move the
    caller a second time (a double click), wherever the first one took him."""
    latest = next((row for row in actions_of(call) if row.action == "Redirect"), None)
    return latest is not None and latest.state != FAILED


def _blind(call: DeskCall, target: Target, actor: str) -> None:
    actions.send("Setvar", actor, Channel=call.channel, Variable=FROM_VARIABLE, Value=str(call.id))
    if target.profile is not None:
        actions.send("Setvar", actor, Channel=call.channel, Variable=TO_VARIABLE, Value=target.profile.interface)
    actions.send("Redirect", actor, Channel=call.channel, Context=TRANSFER_CONTEXT, Exten=target.exten,
                 Priority="1")


def _attended(call: DeskCall, target: Target, actor: str) -> None:
    # "__": inherited by the Local channel Asterisk dials the consultation over.
    actions.send("Setvar", actor, Channel=call.agent_channel, Variable=f"__{FROM_VARIABLE}", Value=str(call.id))
    if target.profile is not None:
        actions.send("Setvar", actor, Channel=call.agent_channel, Variable=f"__{TO_VARIABLE}",
                     Value=target.profile.interface)
    actions.send("Atxfer", actor, Channel=call.agent_channel, Exten=target.exten, Context=CONSULT_CONTEXT)


def _conference(call: DeskCall, target: Target, actor: str) -> None:
    assert target.profile is not None
    actions.send("Redirect", actor, Channel=call.channel, Context=CONFERENCE_CONTEXT, Exten=f"c{call.id}",
                 Priority="1", ExtraChannel=call.agent_channel, ExtraContext=CONFERENCE_CONTEXT,
                 ExtraExten=f"m{call.id}", ExtraPriority="1")
    caller_id = f'"{call.caller}" <{call.caller}>' if call.caller else ""
    actions.send("Originate", actor, Channel=target.profile.interface, Context=CONFERENCE_CONTEXT,
                 Exten=f"m{call.id}", Priority="1", Timeout=CONFERENCE_RING_MS, CallerID=caller_id,
                 Variable=f"{FROM_VARIABLE}={call.id}", Async="true")


def _next_call(call: DeskCall, target: Target) -> DeskCall:
    """The next agent's desk call, not answered yet (his ``AgentConnect`` fills it in), and
    the pop that puts the call and the notes so far on his screen."""
    assert target.profile is not None
    following = DeskCall(agent_id=target.profile.user_id, call_id=call.call_id, uniqueid=call.uniqueid,
                         channel=call.channel, direction=call.direction, queue=call.queue, caller=call.caller,
                         customer_id=call.customer_id, offered_at=utcnow(), transferred_from_id=call.id)
    db.session.add(following)
    db.session.flush()
    live.publish(live.agent_topic(target.profile.user_id), "pop",
                 {"desk_call_id": following.id, "url": f"/desk/calls/{following.id}/pop"})
    return following
