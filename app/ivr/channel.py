"""What the IVR engine needs from a telephone channel. Two implementations: the FastAGI
channel over a socket from Asterisk (:mod:`app.ivr.agi`) and the simulator that walks a
flow in the browser with typed digits (:mod:`app.ivr.simulator`).

Timeouts are in milliseconds, as AGI has them. Every method raises :class:`Hangup` once
the caller has hung up; a node never needs to look at a result code for that."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


class Hangup(Exception):
    """The caller hung up (or the connection to Asterisk is gone)."""


class MissingSound(Exception):
    """Asterisk could not play a prompt (no such sound file) with the caller still on the
    line: an error like any other, so the caller is handed to an agent, never left in
    silence. ``prompt`` is the name the IVR asked for."""

    def __init__(self, prompt: str) -> None:
        super().__init__(f"missing prompt {prompt}")
        self.prompt = prompt


@dataclass
class CallInfo:
    """What Asterisk told us about the call when it started."""

    uniqueid: str = ""
    channel: str = ""
    caller: str = ""            # agi_callerid ("" when Asterisk says "unknown")
    caller_name: str = ""
    dnid: str = ""              # "" when Asterisk says "unknown"
    extension: str = ""
    context: str = ""
    language: str = "zh"
    script: str = ""            # agi_network_script without the query, e.g. "ivr" or "node/postcode.lookup"
    query: dict[str, str] = field(default_factory=dict)  # from "?line=12329&x=1"
    args: list[str] = field(default_factory=list)        # agi_arg_1..N
    env: dict[str, str] = field(default_factory=dict)    # every agi_* line as received


class Channel(Protocol):
    info: CallInfo

    def stream_file(self, prompt: str, escape_digits: str = "") -> str:
        """Play ``prompt``; the digit that interrupted it, or "" when it played to the end.
        A missing sound file raises :class:`MissingSound`."""

    def get_data(self, prompt: str, timeout_ms: int, max_digits: int) -> tuple[str, bool]:
        """Play ``prompt`` and collect up to ``max_digits`` (``#`` ends early); returns
        (digits, timed_out). A missing sound file raises :class:`MissingSound`."""

    def wait_for_digit(self, timeout_ms: int) -> str:
        """One digit, or "" on timeout."""

    def say_digits(self, digits: str, escape_digits: str = "") -> str:
        """Speak digits one by one; the escape digit pressed, or ""."""

    def say_number(self, number: int, escape_digits: str = "") -> str:
        """Speak a whole number; the escape digit pressed, or ""."""

    def record_file(self, filename: str, fmt: str, escape_digits: str, timeout_ms: int,
                    silence_seconds: int = 0, beep: bool = True) -> tuple[str, bool]:
        """Record the caller to ``filename.fmt``; returns (digit that ended it or "",
        timed_out)."""

    def set_variable(self, name: str, value: str) -> None:
        """A channel variable for the dialplan (POSTLINE_STATUS, POSTLINE_QUEUE...)."""

    def get_variable(self, name: str) -> str | None:
        """A channel variable, or None when unset."""

    def verbose(self, message: str, level: int = 1) -> None:
        """A line in Asterisk's console (never secrets, never tracebacks)."""

    def finish(self) -> None:
        """The IVR is done with the call: Asterisk may go on with the dialplan (the call
        record is written after this). Never raises."""

    def hangup(self) -> None:
        """End the call."""
