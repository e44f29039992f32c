""""Call me back" (预约回电): instead of waiting in the queue, the caller leaves his number
and is told when an agent will ring him.

The number is the caller ID, read back to him to confirm (1), or one he keys in (2, or
when the caller ID is withheld or not a phone). It goes into ``call.data`` as
``callback.number`` with the queue that should ring back (``callback.queue``: the node's
queue, else the line's), which the agent's screen shows too. The IVR knows nothing of
call-back tasks (the rooms above it keep them): when the call ends, the agent desk makes a
task of it (``postline_call_ended``)."""
from __future__ import annotations

import re

from app.ivr.call import Call
from app.ivr.nodes.base import Node, Param
from app.ivr.prompts import texts as p

#: What the caller keys in: a mobile (11 digits) or a landline with its area code.
PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{9,11})$")
CONFIRM, OTHER = "1", "2"


def callable_number(number: str) -> str:
    """``number`` as digits when it is one an agent can ring back, else ""."""
    digits = re.sub(r"\D", "", number or "")
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and PHONE.match(digits[len(prefix):]):
            digits = digits[len(prefix):]
    return digits if PHONE.match(digits) else ""


class CallbackRequestNode(Node):
    params_spec = (
        Param("within_minutes", "int", 30, title="Promised call back within (minutes)", minimum=1),
        Param("queue", "queue", "", title="Queue that calls back (empty: the line's)"),
        Param("number_is", "prompt", p.CALLBACK_NUMBER_IS, title="Prompt before the number"),
        Param("confirm", "prompt", p.CALLBACK_CONFIRM, title="Prompt: confirm or key another"),
        Param("enter", "prompt", p.CALLBACK_ENTER, title="Prompt: key in the number"),
        Param("within", "prompt", p.CALLBACK_WITHIN, title="Prompt before the minutes"),
        Param("promise", "prompt", p.CALLBACK_PROMISE, title="Prompt after the minutes"),
    )
    may_end = False

    def run(self, call: Call) -> str:
        number = callable_number(call.info.caller)
        if number:
            call.play(self.params["number_is"])
            call.say_digits(number)
            if call.menu(self.params["confirm"], [CONFIRM, OTHER]) == OTHER:
                number = ""
        if not number:
            number = call.ask(self.params["enter"], 12, timeout_s=10, validator=lambda d: bool(PHONE.match(d)))
        call.data["callback.number"] = number
        call.data["callback.queue"] = self.params["queue"] or call.line.queue
        call.play(self.params["within"])
        call.say_number(int(self.params["within_minutes"]))
        call.play(self.params["promise"])
        return "done"
