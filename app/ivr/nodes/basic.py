"""The plain building blocks of a flow: play a prompt, a menu, jump to another flow, and a
polite goodbye."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.calls.models import OUTCOMES
from app.ivr.call import MENU_KEYS, Call
from app.ivr.nodes.base import GENERIC_OUTCOMES, Issue, Node, Param
from app.ivr.prompts import texts as p


class PlayNode(Node):
    """Plays one prompt, then ``done``. Before a menu, the caller may cut it short with that
    menu's keys or 0 (barge-in: the key goes to the menu); ``barge_in`` off makes it play
    to the end whatever is pressed (a legal notice)."""

    params_spec = (Param("prompt", "prompt", required=True, title="Prompt"),
                   Param("barge_in", "bool", True, title="Callers may cut it short with the next menu's keys"))
    may_end = False

    def run(self, call: Call) -> str:
        if self.params["barge_in"]:
            call.announce(self.params["prompt"])
        else:
            call.play(self.params["prompt"])
        return "done"


class MenuNode(Node):
    """Plays ``prompt`` and returns the key pressed; the keys offered are the step's
    transitions named 1-9 (0 always reaches an agent, * repeats). ``idle_limit_s``: with
    it, silence repeats the menu until that many seconds passed without a key, then the
    call ends politely (60 at a main menu, ``docs/call-centre.md``); without it, silence uses up
    ``retries`` like a wrong key."""

    params_spec = (
        Param("prompt", "prompt", required=True, title="Prompt"),
        Param("timeout_s", "int", 10, title="Seconds to wait for a key", minimum=1),
        Param("retries", "int", 2, title="Tries after the first", minimum=0),
        Param("idle_limit_s", "int", 0, title="End the call after this many silent seconds (0: off)",
              minimum=0),
    )
    outcomes = tuple(MENU_KEYS)

    def run(self, call: Call) -> str:
        keys = sorted(k for k in self.exits if k in MENU_KEYS)
        return call.menu(self.params["prompt"], keys, timeout_s=self.params["timeout_s"],
                         retries=self.params["retries"], idle_limit_s=self.params["idle_limit_s"])

    @classmethod
    def check_outcomes(cls, params: Mapping[str, Any], exits: Mapping[str, str]) -> list[Issue]:
        issues = []
        for key in exits:
            if key == "0":
                issues.append(Issue("reserved_key", "key '0' always reaches an agent; it cannot "
                                    "lead to a step", {"outcome": key}))
            elif key == "*":
                issues.append(Issue("reserved_key", "key '*' always repeats the menu; it cannot "
                                    "lead to a step", {"outcome": key}))
            elif key not in MENU_KEYS and key not in GENERIC_OUTCOMES:
                issues.append(Issue("unknown_outcome", f"{key!r} is not a menu key (1-9) nor "
                                    f"{' / '.join(GENERIC_OUTCOMES)}", {"outcome": key}))
        if not any(k in MENU_KEYS for k in exits):
            issues.append(Issue("menu_without_keys", "offers no key (give it transitions "
                                "named 1-9)"))
        return issues


class GotoNode(Node):
    """Continues at the start of another flow (a sub-menu shared by two lines)."""

    params_spec = (Param("flow", "flow", required=True, title="Flow"),)
    outcomes = ()
    terminal = True

    def run(self, call: Call) -> str:
        call.goto(self.params["flow"])


class HangupNode(Node):
    """Says goodbye and ends the call. ``outcome`` is what the call record says when no
    earlier node decided it (a voice message left, say): self-served by default."""

    params_spec = (
        Param("prompt", "prompt", p.GOODBYE, title="Goodbye prompt"),
        Param("outcome", "str", "", title="Outcome"),
    )
    outcomes = ()
    terminal = True

    def run(self, call: Call) -> str:
        call.hangup(self.params["prompt"] or None, outcome=call.outcome or self.params["outcome"])

    @classmethod
    def check_params(cls, params: Mapping[str, Any], context: Any) -> list[Issue]:
        issues = super().check_params(params, context)
        outcome = params.get("outcome", "")
        if outcome and outcome not in OUTCOMES:
            issues.append(Issue("bad_param", f"outcome must be one of {', '.join(OUTCOMES)}",
                                {"param": "outcome", "value": outcome}))
        return issues
