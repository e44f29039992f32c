"""The centre's call record: one row per call that entered the IVR, which the desk (screen
pop, caller history) and the statistics read as much as the IVR writes it.

The table keeps its first name, ``ivr_call``: renaming it would cost every site a migration
and tell nothing new. Written by the engine for every call, it is not :class:`Audited`
(auditing it would double the writes of the busiest table and tell nothing a record does
not already say)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.timeutil import utcnow

#: How a call left the IVR (``CallRecord.outcome``); "" while the call is in progress.
SELF_SERVED = "self_served"
TRANSFERRED = "transferred"
VOICEMAIL = "voicemail"
HUNG_UP = "hung_up"          # the call ended in the IVR: caller hung up, no input, refusal
ERROR = "error"
OUTCOMES = (SELF_SERVED, TRANSFERRED, VOICEMAIL, HUNG_UP, ERROR)
#: Not a way out of a flow: the record of a call whose ``postline agi`` died under it,
#: closed afterwards by :func:`app.calls.lost.close_lost_calls`.
LOST = "lost"


class CallRecord(db.Model):
    """Exactly one per call that entered the IVR, opened when the call starts (its id is
    ``POSTLINE_CALL_ID``) and closed when the IVR lets go of it.

    ``path`` is JSON: ``[{"step", "node", "at", "outcome"}]``; ``data`` is JSON, what the
    agent's screen pop shows (secrets masked, PINs never). ``agent`` is who answered after
    the transfer (filled in from Asterisk's queue_log by the CTI side); ``preferred_agent``
    is whom the IVR asked for."""

    __tablename__ = "ivr_call"
    __table_args__ = (Index("ix_ivr_call_caller_started", "caller", "started_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uniqueid: Mapped[str] = mapped_column(String(64), index=True, default="")
    line: Mapped[str] = mapped_column(String(32), index=True, default="")
    caller: Mapped[str] = mapped_column(String(64), default="")
    dnid: Mapped[str] = mapped_column(String(64), default="")
    channel: Mapped[str] = mapped_column(String(128), default="")
    entry: Mapped[str] = mapped_column(String(128), default="")
    flow: Mapped[str] = mapped_column(String(64), default="")
    flow_version: Mapped[int | None] = mapped_column()
    started_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    ended_at: Mapped[datetime | None] = mapped_column()
    duration_s: Mapped[int | None] = mapped_column()
    outcome: Mapped[str] = mapped_column(String(16), default="", index=True)
    reason: Mapped[str] = mapped_column(String(120), default="")
    path: Mapped[str] = mapped_column(Text, default="[]")
    data: Mapped[str] = mapped_column(Text, default="{}")
    queue: Mapped[str] = mapped_column(String(64), default="")
    priority: Mapped[int] = mapped_column(default=0)
    preferred_agent: Mapped[str] = mapped_column(String(64), default="")
    agent: Mapped[str] = mapped_column(String(64), default="")
    survey_score: Mapped[int | None] = mapped_column()
    survey_at: Mapped[datetime | None] = mapped_column()
    #: The incident announcement that was on for the call's line (:class:`app.ivr.models.IVRIncident`).
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("ivr_incident.id"), index=True)

    @property
    def closed(self) -> bool:
        return self.ended_at is not None and self.outcome != ""
