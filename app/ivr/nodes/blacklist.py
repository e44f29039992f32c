"""Callers whose customer record is blacklisted hear a polite refusal and the call ends;
everyone else goes on (``allowed``). Nothing about it goes into ``call.data``."""
from __future__ import annotations

from app.calls import callers
from app.calls.models import HUNG_UP
from app.ivr.call import Call
from app.ivr.nodes.base import Node, Param
from app.ivr.prompts import texts as p


class BlacklistNode(Node):
    params_spec = (Param("prompt", "prompt", p.BLACKLIST_REFUSAL, required=True, title="Refusal prompt"),)
    outcomes = ("allowed",)
    silent = True

    def run(self, call: Call) -> str:
        if callers.profile(call.info.caller).blacklisted:
            call.hangup(self.params["prompt"], outcome=HUNG_UP, reason="blacklisted")
        return "allowed"
