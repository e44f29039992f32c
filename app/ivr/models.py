"""The IVR's tables: hotline lines, flows with their versions, incident announcements,
voice messages, and failed PIN entries. (A line's opening hours are its business calendar, :mod:`app.calendars`; the
record of each call is the calls room's, :mod:`app.calls`.)

Lines and flows are edited by people and therefore :class:`Audited`. PIN failures are
written by the engine for every wrong PIN: auditing them would double the writes and tell
nothing the table does not already say. Times are naive UTC (:func:`app.timeutil.utcnow`);
days and hours are the centre's local ones."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.audit.editing import Edited
from app.audit.models import Audited
from app.calendars.models import BusinessCalendar
from app.extensions import db
from app.timeutil import utcnow


class IVRLine(Edited, Audited, db.Model):
    """A hotline number served by this PostLine (11185, 12329), the flow its callers enter,
    the agent queue they reach with "0", and the business calendar of its opening hours
    (none: open around the clock). :class:`Edited`: two editors cannot overwrite each other."""

    __tablename__ = "ivr_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    queue: Mapped[str] = mapped_column(String(64), default="")
    flow_id: Mapped[int | None] = mapped_column(ForeignKey("ivr_flow.id"))
    calendar_id: Mapped[int | None] = mapped_column(ForeignKey("calendar.id"))
    active: Mapped[bool] = mapped_column(default=True)

    calendar: Mapped[BusinessCalendar | None] = relationship()


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


class IVRIncident(Audited, db.Model):
    """An announcement a team lead turns on for a line's callers (a storm, a strike, a
    network outage) without editing its flow: it plays after the welcome from ``starts_at``
    until it is turned off (``ended_at``) or its planned end (``ends_at``, none: until
    turned off). Calls meanwhile carry its id (``ivr_call.incident_id``). ``line_id`` none:
    every line. The sound is ``incident-<id>`` in the sounds folder, spoken from ``text``."""

    __tablename__ = "ivr_incident"

    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int | None] = mapped_column(ForeignKey("ivr_line.id"), index=True)
    title: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    starts_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    ends_at: Mapped[datetime | None] = mapped_column()
    ended_at: Mapped[datetime | None] = mapped_column()
    created_by: Mapped[str] = mapped_column(String(100), default="")
    ended_by: Mapped[str] = mapped_column(String(100), default="")

    line: Mapped[IVRLine | None] = relationship()

    @property
    def prompt(self) -> str:
        return f"incident-{self.id}"

    def on_at(self, at: datetime) -> bool:
        return (self.starts_at <= at and self.ended_at is None
                and (self.ends_at is None or at < self.ends_at))


class Voicemail(Audited, db.Model):
    """A message a caller left. ``path`` is relative to the recordings folder
    (:func:`app.ivr.call.recordings_dir`); ``status`` is ``new`` until an agent marks it
    handled on the voice messages page."""

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
