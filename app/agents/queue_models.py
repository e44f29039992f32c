"""What Asterisk says about its queues, kept as it arrives: which queues each agent is a
member of now (and his phone's device state there), and the callers waiting in each queue.

Both are mirrors of Asterisk's memory, not history: a member's row goes when Asterisk
removes him, a caller's row when he leaves the queue (answered or not). The statistics come
from queue_log; these tables only serve the team lead's live view and the state logic
("removed from his last queue" means logged off)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.timeutil import utcnow

#: QueueMemberStatus ``Status`` values (Asterisk's device states) that mean the phone
#: cannot ring: ``4`` invalid, ``5`` unavailable (not registered).
DEVICE_INVALID, DEVICE_UNAVAILABLE = 4, 5
PHONE_OFFLINE = (DEVICE_INVALID, DEVICE_UNAVAILABLE)


class AgentQueueMember(db.Model):
    """The agent is a member of ``queue`` in Asterisk; ``device_status`` is the last
    ``Status`` Asterisk reported for him there (``0`` unknown until one arrives)."""

    __tablename__ = "agent_queue_member"
    __table_args__ = (UniqueConstraint("user_id", "queue", name="uq_agent_queue_member"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    queue: Mapped[str] = mapped_column(String(64))
    device_status: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class QueueWaiting(db.Model):
    """A caller waiting in ``queue`` since ``joined_at`` (``QueueCallerJoin``), until his
    ``QueueCallerLeave`` or ``QueueCallerAbandon``."""

    __tablename__ = "agent_queue_waiting"
    __table_args__ = (UniqueConstraint("uniqueid", "queue", name="uq_agent_queue_waiting"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uniqueid: Mapped[str] = mapped_column(String(64))
    queue: Mapped[str] = mapped_column(String(64), index=True)
    caller: Mapped[str] = mapped_column(String(64), default="")
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)
