"""Listening in on an agent's call (班长监听), whispering to him (耳语, the caller does not
hear) or joining the call (强插): Asterisk first rings the team lead's own phone, then runs
``ChanSpy`` on the agent's channel — an AMI ``Originate`` with ``Application=ChanSpy``.

ChanSpy's options (app_chanspy, Asterisk 22): ``q`` no beep and no channel name spoken,
``b`` only a channel in a bridged call (not one still ringing), ``E`` end when the spied-on
channel hangs up, ``S`` end when there is nothing to spy on (the call ended before the
team lead answered) instead of waiting for one; ``w`` whisper (the team lead talks to the
agent only), ``B`` barge (he talks to both). The spied-on channel is named exactly when the
desk call knows it (``PJSIP/8001-0000002a``), otherwise by the interface and a ``-``
(``PJSIP/8001-``): ChanSpy takes a name *prefix*, and ``PJSIP/8001`` alone would also
match ``PJSIP/80010``."""
from __future__ import annotations

from flask_babel import gettext as _

from app.agents.models import ON_CALL, AgentProfile, DeskCall
from app.agents.states import StateRefused, status_of
from app.cti import actions
from app.cti.models import CtiAction
from app.extensions import db

LISTEN, WHISPER, BARGE = "listen", "whisper", "barge"
OPTIONS = {LISTEN: "bqES", WHISPER: "bqESw", BARGE: "bqESB"}


def spy(team_lead_id: int, agent_id: int, mode: str, actor: str) -> CtiAction:
    """Ring the team lead's phone to spy on the agent's call in ``mode``. Raises
    :class:`StateRefused` when the team lead has no phone of his own, the agent is not on
    a call, or the mode is unknown."""
    if mode not in OPTIONS:
        raise StateRefused(_("Choose listen, whisper or barge."))
    own = db.session.get(AgentProfile, team_lead_id)
    if own is None or not own.active:
        raise StateRefused(_("You need an agent extension of your own to listen in: an administrator sets one up."))
    agent = db.session.get(AgentProfile, agent_id)
    status = status_of(agent_id)
    if agent is None or status.state != ON_CALL:
        raise StateRefused(_("The agent is not on a call."))
    return actions.send("Originate", actor, Channel=own.interface, Application="ChanSpy",
                        Data=f"{_spied_channel(agent, status.desk_call_id)},{OPTIONS[mode]}",
                        CallerID=f'"{_caller_name(mode)} {agent.extension or agent.interface}" <{own.extension}>',
                        Timeout="30000", Async="true")


def _spied_channel(agent: AgentProfile, desk_call_id: int | None) -> str:
    call = db.session.get(DeskCall, desk_call_id) if desk_call_id else None
    if call is not None and call.agent_channel:
        return call.agent_channel
    return f"{agent.interface}-"


def _caller_name(mode: str) -> str:
    return {LISTEN: _("Listen only"), WHISPER: _("Whisper"), BARGE: _("Barge")}[mode]
