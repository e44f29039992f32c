"""Open or closed: the line's business calendar, now (local time)."""
from __future__ import annotations

from app.calendars.opening import is_open
from app.ivr.call import Call
from app.ivr.nodes.base import Node


class TimeConditionNode(Node):
    """``open`` or ``closed`` for the call's line, now."""

    outcomes = ("open", "closed")
    may_end = False
    silent = True

    def run(self, call: Call) -> str:
        return "open" if is_open(call.line.calendar_id, call.local_now()) else "closed"
