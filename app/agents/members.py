"""Finding the PostLine agent behind what Asterisk names: a queue member's interface
(``PJSIP/8001``, ``Local/8001@agent-phone/n``) or its member name (queue_log's agent
column, ``Agent 8001``)."""
from __future__ import annotations

from sqlalchemy import or_, select

from app.agents.models import AgentProfile
from app.extensions import db


def agent_for(interface: str = "", member_name: str = "") -> AgentProfile | None:
    """The active agent whose interface or member name this is; ``None`` for a member
    PostLine does not know (a phone of another system in the same queue)."""
    names = [name for name in (interface, member_name) if name]
    if not names:
        return None
    return db.session.scalar(select(AgentProfile).where(
        AgentProfile.active.is_(True),
        or_(AgentProfile.interface.in_(names), AgentProfile.member_name.in_(names))).limit(1))
