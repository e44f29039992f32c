"""The message log: every message PostLine sent or tried to send, kept with what became of it.

A row is written before the notifier is asked, so a message that crashed a process on its
way out is still there (``pending``). ``status`` is one of :data:`STATUSES`; a ``failed`` row
with ``retry_at`` set waits for the worker's next try, one without has been given up.
``subject_type`` / ``subject_id`` say what the message is about (``"ticket"``, ``"42"``)
without this room knowing the rooms that send."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.timeutil import utcnow

PENDING = "pending"
QUEUED = "queued"
SENT = "sent"
FAILED = "failed"
STATUSES = (PENDING, QUEUED, SENT, FAILED)


class Message(db.Model):
    __tablename__ = "notify_message"
    __table_args__ = (
        Index("ix_notify_message_subject", "subject_type", "subject_id"),
        Index("ix_notify_message_retry", "status", "retry_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    notifier: Mapped[str] = mapped_column(String(100), default="")
    recipient: Mapped[str] = mapped_column(String(254))
    title: Mapped[str] = mapped_column(String(200), default="")
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=PENDING)
    error: Mapped[str] = mapped_column(Text, default="")
    reference: Mapped[str] = mapped_column(String(200), default="")
    attempts: Mapped[int] = mapped_column(default=0)
    subject_type: Mapped[str] = mapped_column(String(32), default="")
    subject_id: Mapped[str] = mapped_column(String(64), default="")
    created_by: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    last_attempt_at: Mapped[datetime | None] = mapped_column(default=None)
    sent_at: Mapped[datetime | None] = mapped_column(default=None)
    retry_at: Mapped[datetime | None] = mapped_column(default=None)

    @property
    def given_up(self) -> bool:
        return self.status == FAILED and self.retry_at is None
