"""The IVR's tables: hotline lines with their opening hours and holidays, flows with their
versions, one record per call, voice messages, and failed PIN entries.

Lines, holidays and flows are edited by people and therefore :class:`Audited`. Call records
and PIN failures are written by the engine for every call: auditing them would double the
writes of the busiest table and tell nothing a call record does not already say.
Times are naive UTC (:func:`app.timeutil.utcnow`); days and hours are the centre's local ones."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.audit.models import Audited
from app.extensions import db
from app.timeutil import utcnow

#: How a call left the IVR (``CallRecord.outcome``); "" while the call is in progress.
SELF_SERVED = "self_served"
TRANSFERRED = "transferred"
VOICEMAIL = "voicemail"
HUNG_UP = "hung_up"          # the call ended in the IVR: caller hung up, no input, refusal
ERROR = "error"
OUTCOMES = (SELF_SERVED, TRANSFERRED, VOICEMAIL, HUNG_UP, ERROR)


class IVRLine(Audited, db.Model):
    """A hotline number served by this PostLine (11185, 12329), the flow its callers enter,
    the agent queue they reach with "0", and its opening hours.

    ``hours`` is JSON: weekday (``mon`` .. ``sun``) → ``"08:00-12:00,13:30-17:30"``; a day
    that is missing or empty is closed; an empty mapping means open around the clock (a
    line nobody configured must not send every caller to the voice mailbox)."""

    __tablename__ = "ivr_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    queue: Mapped[str] = mapped_column(String(64), default="")
    flow_id: Mapped[int | None] = mapped_column(ForeignKey("ivr_flow.id"))
    hours: Mapped[str] = mapped_column(Text, default="{}")
    active: Mapped[bool] = mapped_column(default=True)


class IVRHoliday(Audited, db.Model):
    """A day on which a line keeps other hours than its weekday's: ``hours`` empty means
    closed all day (a public holiday), otherwise the hours of that day (a shortened day, or
    a weekend made a working day, 调休)."""

    __tablename__ = "ivr_holiday"
    __table_args__ = (UniqueConstraint("line_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("ivr_line.id"))
    day: Mapped[date] = mapped_column(Date)
    name: Mapped[str] = mapped_column(String(100), default="")
    hours: Mapped[str] = mapped_column(String(100), default="")


class IVRFlow(Audited, db.Model):
    """A named call flow. Its definitions are :class:`IVRFlowVersion` rows; new calls use
    ``active_version`` (a version number), so saving a new version or rolling back to an
    old one changes the next call without a restart."""

    __tablename__ = "ivr_flow"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    active_version: Mapped[int | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class IVRFlowVersion(Audited, db.Model):
    """One saved definition of a flow (JSON text, see :mod:`app.ivr.flows`); never changed
    after it is written, so a call record's ``flow_version`` always says what ran."""

    __tablename__ = "ivr_flow_version"
    __table_args__ = (UniqueConstraint("flow_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    flow_id: Mapped[int] = mapped_column(ForeignKey("ivr_flow.id"))
    number: Mapped[int] = mapped_column()
    definition: Mapped[str] = mapped_column(Text)
    note: Mapped[str] = mapped_column(String(255), default="")
    created_by: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


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

    @property
    def closed(self) -> bool:
        return self.ended_at is not None and self.outcome != ""


class Voicemail(Audited, db.Model):
    """A message a caller left. ``path`` is relative to the recordings folder
    (:func:`app.ivr.call.recordings_dir`); ``status`` is ``new`` until an agent handles it
    (the agents' list and playback come with the web pages)."""

    __tablename__ = "ivr_voicemail"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int | None] = mapped_column(ForeignKey("ivr_call.id"), index=True)
    line: Mapped[str] = mapped_column(String(32), default="")
    caller: Mapped[str] = mapped_column(String(64), default="")
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    duration_s: Mapped[int] = mapped_column(default=0)
    path: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(16), default="new")


class PinFailure(db.Model):
    """One wrong PIN for an account, on a local day. The account is an HMAC (keyed with
    the site's secret key), so the table cannot be read back into account numbers."""

    __tablename__ = "ivr_pin_failure"
    __table_args__ = (Index("ix_ivr_pin_failure_account_day", "kind", "account_hash", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    account_hash: Mapped[str] = mapped_column(String(64))
    day: Mapped[date] = mapped_column(Date)
    at: Mapped[datetime] = mapped_column(default=utcnow)
