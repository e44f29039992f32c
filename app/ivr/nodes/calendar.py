"""Open or closed: the line's weekly hours, unless the holiday calendar says otherwise for
today (local time)."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.ivr import hours
from app.ivr.call import Call
from app.ivr.models import IVRHoliday
from app.ivr.nodes.base import Node


class TimeConditionNode(Node):
    """``open`` or ``closed`` for the call's line, now."""

    outcomes = ("open", "closed")
    may_end = False

    def run(self, call: Call) -> str:
        now = call.local_now()
        holiday = None
        if call.line.id is not None:
            holiday = db.session.scalar(select(IVRHoliday.hours).where(
                IVRHoliday.line_id == call.line.id, IVRHoliday.day == now.date()))
        return "open" if hours.is_open(call.line.hours, holiday, now) else "closed"
