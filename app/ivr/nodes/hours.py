"""Say the line's opening hours, from its business calendar: an announcement that always
matches the hours set on the lines page (a recorded sentence stating the hours goes stale
the day they change)."""
from __future__ import annotations

from app.calendars.opening import week_of
from app.ivr import speech
from app.ivr.call import Call
from app.ivr.nodes.base import Node, Param
from app.ivr.prompts import texts as p


class HoursNode(Node):
    """``prompt`` (您好，现在不是人工服务时间，人工服务时间为), then the line's weekly hours
    (每天八点至二十点), then ``after`` if given; ``done``."""

    params_spec = (
        Param("prompt", "prompt", p.HOURS_INTRO, title="Prompt before the hours"),
        Param("after", "prompt", "", title="Prompt after the hours"),
    )
    may_end = False

    def run(self, call: Call) -> str:
        if self.params["prompt"]:
            call.play(self.params["prompt"])
        call.say(speech.hours_pieces(week_of(call.line.calendar_id)))
        if self.params["after"]:
            call.play(self.params["after"])
        return "done"
