"""Which hotline a call is for, read once when the call starts and then kept in memory
(a :class:`LineInfo`), so nodes can ask for the line's queue or calendar without a query.

Real Asterisk on Local channels reports ``agi_dnid: unknown`` and ``agi_extension: s``, so
the dialplan names the line (``agi://host/ivr?line=12329``); the engine then tries the
extension and the dialled number, then ``IVR_DEFAULT_LINE``, then the first active line."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from app.extensions import db
from app.ivr.models import IVRFlow, IVRLine


@dataclass(frozen=True)
class LineInfo:
    number: str = ""
    name: str = ""
    #: The agent queue for "0", errors and transfers without a queue of their own; when a
    #: line names none, the queue is named after the line.
    queue: str = ""
    #: The business calendar of its opening hours (:mod:`app.calendars`); ``None``: open
    #: around the clock.
    calendar_id: int | None = None
    id: int | None = None
    flow: str = ""


def _info(line: IVRLine) -> LineInfo:
    flow = db.session.get(IVRFlow, line.flow_id) if line.flow_id else None
    return LineInfo(number=line.number, name=line.name, queue=line.queue or line.number,
                    calendar_id=line.calendar_id, id=line.id, flow=flow.name if flow else "")


def find_line(number: str) -> LineInfo | None:
    if not number:
        return None
    line = db.session.scalar(select(IVRLine).where(IVRLine.number == number, IVRLine.active))
    return _info(line) if line else None


def resolve_line(candidates: Iterable[str]) -> LineInfo | None:
    """The first candidate that is a configured line, else the default line, else the
    first active line; ``None`` when no line is configured at all."""
    for number in candidates:
        found = find_line((number or "").strip())
        if found:
            return found
    found = find_line(str(current_app.config.get("IVR_DEFAULT_LINE") or ""))
    if found:
        return found
    line = db.session.scalar(select(IVRLine).where(IVRLine.active).order_by(IVRLine.id).limit(1))
    return _info(line) if line else None
