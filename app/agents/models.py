"""The agent desk's tables: who an agent is to Asterisk, the skill groups he serves, the
pause reasons, his state now and every change of it, and each call he handled with its
summary (来电小结).

The state log (:class:`AgentStateChange`) is the source of attendance, pause-by-reason
and after-call-work statistics: every change is a row with its start, closed by the
next change, whoever made it (the agent's page, a team lead, Asterisk or the phone)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.audit.editing import Edited
from app.audit.models import Audited
from app.auth.models import User
from app.extensions import db
from app.timeutil import utcnow

# Agent states.
LOGGED_OFF = "logged_off"
READY = "ready"
PAUSED = "paused"
RINGING = "ringing"
ON_CALL = "on_call"
ACW = "acw"
STATES = (LOGGED_OFF, READY, PAUSED, RINGING, ON_CALL, ACW)

#: The pause reason Asterisk and the dialplan use for after-call work (queue_log ``PAUSE|ACW``).
ACW_REASON = "ACW"

# Who made a state change.
BY_PAGE, BY_TEAMLEAD, BY_ASTERISK, BY_SYSTEM = "page", "teamlead", "asterisk", "system"

# How a desk call came to the agent.
INBOUND, OUTBOUND, MANUAL = "inbound", "outbound", "manual"


class AgentProfile(Audited, db.Model):
    """A user who takes calls: ``interface`` is the queue member interface
    (``PJSIP/8001``, ``Local/8001@agent-phone/n``), ``member_name`` the name queues.conf
    gives the member (queue_log's agent column; "" when it has none, then the interface
    is used), ``extension`` what click-to-call rings first."""

    __tablename__ = "agent_profile"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), primary_key=True)
    interface: Mapped[str] = mapped_column(String(128), unique=True)
    member_name: Mapped[str] = mapped_column(String(64), default="")
    extension: Mapped[str] = mapped_column(String(32), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    user: Mapped[User] = relationship()
    skills: Mapped[list[AgentSkill]] = relationship(order_by="AgentSkill.queue", viewonly=True)

    @property
    def name_in_queue_log(self) -> str:
        return self.member_name or self.interface


class AgentSkill(Audited, db.Model):
    """One skill group of an agent: an Asterisk queue and his penalty in it (lower rings
    first)."""

    __tablename__ = "agent_skill"
    __table_args__ = (UniqueConstraint("user_id", "queue", name="uq_agent_skill"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("agent_profile.user_id"), index=True)
    queue: Mapped[str] = mapped_column(String(64))
    penalty: Mapped[int] = mapped_column(default=0)


class PauseReason(Audited, db.Model):
    """A pause reason the centre manages: ``code`` goes to Asterisk (``QueuePause``
    ``Reason``, so queue_log's ``PAUSE`` row carries it); ``limit_minutes`` is the longest
    pause before the team lead is warned (``None``: no limit); ``counts_as_work`` says
    whether payroll and occupancy count it as working time."""

    __tablename__ = "agent_pause_reason"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    limit_minutes: Mapped[int | None] = mapped_column()
    counts_as_work: Mapped[bool] = mapped_column(Boolean, default=False)
    weight: Mapped[int] = mapped_column(default=100)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class AgentStatus(db.Model):
    """An agent's state now (one row per agent who ever logged in). ``reason`` is the
    pause reason's code while paused or in ACW; ``uniqueid`` the caller channel of the
    call he is ringing for or talking to; ``desk_call_id`` its desk call."""

    __tablename__ = "agent_status"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), primary_key=True)
    state: Mapped[str] = mapped_column(String(16), default=LOGGED_OFF)
    reason: Mapped[str] = mapped_column(String(32), default="")
    since: Mapped[datetime] = mapped_column(default=utcnow)
    uniqueid: Mapped[str] = mapped_column(String(64), default="")
    queue: Mapped[str] = mapped_column(String(64), default="")
    desk_call_id: Mapped[int | None] = mapped_column(ForeignKey("desk_call.id"))

    user: Mapped[User] = relationship()


class AgentStateChange(db.Model):
    """One state an agent was in, from ``at`` until ``until`` (``None``: still in it)."""

    __tablename__ = "agent_state_change"
    __table_args__ = (Index("ix_agent_state_change_user_at", "user_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    state: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(String(32), default="")
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    until: Mapped[datetime | None] = mapped_column()
    source: Mapped[str] = mapped_column(String(16), default=BY_PAGE)
    actor: Mapped[str] = mapped_column(String(100), default="")


class DeskCall(Edited, db.Model):
    """A call as one agent handled it: offered (ringing), answered, ended, and summarised.
    A transferred call gets a new row for the next agent, ``transferred_from_id`` pointing
    at the previous one, so the data and the summary so far follow the call.

    ``call_id`` is the IVR's call record (``None`` for a call that never passed the IVR,
    an outbound call or one the agent typed in with "new call"). The summary is
    ``ticket_type`` (the work-order type's code: consultation, complaint...) with its
    ``category_id`` from the same tree as work orders, ``resolved``, ``notes``; a call
    answered but not yet summarised has ``summarised_at`` ``None`` and is listed for its
    agent."""

    __tablename__ = "desk_call"
    __table_args__ = (Index("ix_desk_call_agent_summary", "agent_id", "summarised_at", "answered_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    call_id: Mapped[int | None] = mapped_column(ForeignKey("ivr_call.id"), index=True)
    uniqueid: Mapped[str] = mapped_column(String(64), default="", index=True)
    #: The caller's channel and the agent's (``PJSIP/8001-0000002a``): what a transfer
    #: (``Redirect``, ``Atxfer``) or a listen-in names.
    channel: Mapped[str] = mapped_column(String(128), default="")
    agent_channel: Mapped[str] = mapped_column(String(128), default="")
    direction: Mapped[str] = mapped_column(String(16), default=INBOUND)
    queue: Mapped[str] = mapped_column(String(64), default="")
    caller: Mapped[str] = mapped_column(String(64), default="", index=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id"), index=True)
    offered_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    answered_at: Mapped[datetime | None] = mapped_column()
    ended_at: Mapped[datetime | None] = mapped_column()
    hold_s: Mapped[int | None] = mapped_column()
    talk_s: Mapped[int | None] = mapped_column()
    transferred_from_id: Mapped[int | None] = mapped_column(ForeignKey("desk_call.id"))
    #: ``blind`` / ``attended`` / ``conference`` when this agent passed the call on.
    transfer_kind: Mapped[str] = mapped_column(String(16), default="")
    ticket_type: Mapped[str] = mapped_column(String(32), default="")
    category_id: Mapped[int | None] = mapped_column(ForeignKey("ticket_category.id"))
    resolved: Mapped[bool | None] = mapped_column(Boolean)
    notes: Mapped[str] = mapped_column(Text, default="")
    summarised_at: Mapped[datetime | None] = mapped_column()
    work_order_id: Mapped[int | None] = mapped_column(ForeignKey("work_order.id"), index=True)

    agent: Mapped[User] = relationship(foreign_keys=[agent_id])
    transferred_from: Mapped[DeskCall | None] = relationship(remote_side=[id])
