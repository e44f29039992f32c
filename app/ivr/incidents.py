"""Incident announcements (storm, strike, network outage): what is on for a line now, and
its sound, spoken from the team lead's text with the prompt builder's voice so that it
can be heard a moment after it is saved, with no studio and no flow edit."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select

from app.calls.models import CallRecord
from app.declarations import Prompt
from app.extensions import db
from app.ivr.models import IVRIncident
from app.ivr.prompts.build import build


def active_for(line_id: int | None, at: datetime) -> IVRIncident | None:
    """The announcement on for the line at ``at`` (naive UTC): the line's own before one
    for every line, the latest started first."""
    found = db.session.scalars(
        select(IVRIncident)
        .where(IVRIncident.starts_at <= at, IVRIncident.ended_at.is_(None),
               or_(IVRIncident.ends_at.is_(None), IVRIncident.ends_at > at),
               or_(IVRIncident.line_id.is_(None), IVRIncident.line_id == line_id))
        .order_by(IVRIncident.line_id.is_(None), IVRIncident.starts_at.desc(), IVRIncident.id.desc())
        .limit(1))
    return found.first()


def incident_of(record: CallRecord | None) -> IVRIncident | None:
    """The announcement that was on when the call came (what its record is tagged with)."""
    return db.session.get(IVRIncident, record.incident_id) if record and record.incident_id else None


def make_sound(incident: IVRIncident) -> None:
    """Speak the text into ``<sounds>/incident-<id>.wav``; the prompt builder's
    :class:`~app.ivr.prompts.build.ToolMissing` when espeak-ng or sox is not installed."""
    prompt = Prompt(incident.prompt, incident.text)
    build(names=[prompt.name], prompts={prompt.name: prompt}, workers=1)
