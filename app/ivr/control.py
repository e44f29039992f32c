"""Call control: how a call verb tells the engine that the IVR's part of the call is over or
must change course (a transfer, a goodbye, "0" for an agent, retries used up, a jump to
another flow).

They derive from :class:`BaseException`, like :class:`SystemExit`: a node that wraps its
work in ``except Exception`` (a plugin calling a flaky web service) must not swallow a
transfer the caller asked for. The engine catches every one of them."""
from __future__ import annotations


class CallControl(BaseException):
    """Base of the engine's control signals; never an error."""


class Transferred(CallControl):
    """``call.transfer()`` set the queue variables: the dialplan takes the call to ``Queue()``."""

    def __init__(self, queue: str, priority: int, agent: str) -> None:
        super().__init__(queue)
        self.queue, self.priority, self.agent = queue, priority, agent


class CallEnded(CallControl):
    """The IVR ended the call (goodbye, refusal, no input)."""

    def __init__(self, outcome: str, reason: str = "") -> None:
        super().__init__(outcome)
        self.outcome, self.reason = outcome, reason


class GotoFlow(CallControl):
    """Continue with the start of another flow (``core.goto``)."""

    def __init__(self, flow: str) -> None:
        super().__init__(flow)
        self.flow = flow


class AgentRequested(CallControl):
    """The caller pressed "0" alone at a prompt: transfer to the line's queue."""


class NoInput(CallControl):
    """The caller pressed nothing through every try (or for the menu's idle limit). The
    engine follows the step's ``timeout`` transition if it has one, else says goodbye."""


class RetriesExhausted(CallControl):
    """The caller kept typing what was not accepted. The engine follows the step's
    ``retries`` transition if it has one, else transfers to an agent."""


class BackToMenu(CallControl):
    """After an answer, the caller asked for the previous menu (``*``, a wrong key or
    silence) or the main menu (``#``): the engine goes back to the menu the call came
    through (``main``: the first one of the call)."""

    def __init__(self, main: bool = False) -> None:
        super().__init__("main" if main else "previous")
        self.main = main
