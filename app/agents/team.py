"""The team lead's view of the agents: each one's state now, for how long, whether a pause
(or after-call work) is past its limit, and whether his phone is offline."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from app.agents import acw
from app.agents.models import (
    ACW,
    ACW_REASON,
    LOGGED_OFF,
    PAUSED,
    AgentProfile,
    AgentSkill,
    AgentStatus,
    PauseReason,
)
from app.agents.queue_models import PHONE_OFFLINE, AgentQueueMember
from app.agents.state_labels import AUTO_PAUSE, AUTO_PAUSE_LABEL
from app.auth.models import User
from app.extensions import db
from app.timeutil import utcnow


@dataclass
class AgentRow:
    profile: AgentProfile
    state: str
    reason: str
    reason_name: str
    since: datetime | None
    #: Seconds the state may last before it is "over the limit" (``None``: no limit).
    limit_s: int | None
    phone_offline: bool

    @property
    def over_limit(self) -> bool:
        return bool(self.limit_s and self.since and utcnow() - self.since > timedelta(seconds=self.limit_s))


def reason_names() -> dict[str, str]:
    names = {reason.code: reason.name for reason in db.session.scalars(select(PauseReason))}
    names.setdefault(AUTO_PAUSE, str(AUTO_PAUSE_LABEL))
    return names


def reason_limits() -> dict[str, int]:
    """Each pause reason's limit in seconds (reasons without one left out)."""
    return {reason.code: reason.limit_minutes * 60 for reason in db.session.scalars(select(PauseReason))
            if reason.limit_minutes}


def active_pause_reasons() -> list[PauseReason]:
    """What an agent or team lead may choose (the centre's order); not ``ACW``, which
    follows a call by itself and has a state of its own."""
    return list(db.session.scalars(select(PauseReason).where(PauseReason.active.is_(True),
                                                             PauseReason.code != ACW_REASON)
                                   .order_by(PauseReason.weight, PauseReason.name)))


def team_rows() -> list[AgentRow]:
    """Every active agent, by name."""
    profiles = db.session.scalars(select(AgentProfile).join(User, User.id == AgentProfile.user_id)
                                  .where(AgentProfile.active.is_(True))
                                  .order_by(User.display_name, User.username)).all()
    statuses = {s.user_id: s for s in db.session.scalars(select(AgentStatus))}
    offline = set(db.session.scalars(select(AgentQueueMember.user_id)
                                     .where(AgentQueueMember.device_status.in_(PHONE_OFFLINE))))
    names, limits = reason_names(), reason_limits()
    rows = []
    for profile in profiles:
        status = statuses.get(profile.user_id)
        state = status.state if status else LOGGED_OFF
        reason = status.reason if status else ""
        rows.append(AgentRow(profile, state, reason, names.get(reason, reason),
                             status.since if status else None, _limit(state, reason, status, limits),
                             profile.user_id in offline))
    return rows


def acw_limits(queues: list[str]) -> dict[str, int]:
    """The ACW limit (seconds) of each queue, ``""`` the default: the page's script marks
    an ACW over the limit as the server does."""
    return {"": acw.limit_seconds(""), **{queue: acw.limit_seconds(queue) for queue in queues}}


def skill_queues() -> list[str]:
    """The queues the agents serve (each queue once)."""
    return list(db.session.scalars(select(AgentSkill.queue).distinct().order_by(AgentSkill.queue)))


def _limit(state: str, reason: str, status: AgentStatus | None, limits: dict[str, int]) -> int | None:
    if state == ACW and status is not None:
        return acw.limit_seconds(status.queue) or limits.get(reason)
    if state == PAUSED:
        return limits.get(reason)
    return None
