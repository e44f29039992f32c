"""A caller without a telephone: the flow editor's simulator page, and the engine's test
harness.

:class:`SimulatedChannel` implements the :class:`~app.ivr.channel.Channel` protocol with
answers given in advance: each time the IVR waits for keys it takes the next entry of
``inputs`` (digits, ``None`` or "" for silence until the timeout, :data:`HANGUP` to hang
up there), and ``hangup_after=N`` lets the caller hang up after N commands. It records
what the caller would hear (prompt names, digits and numbers said, silences), what they
typed (masked while the IVR reads a secret), and the channel variables the dialplan would
see. Its clock is simulated: a 60 s silence takes no time.

:func:`simulate` runs the engine on it. By default it is a **dry run** (``call.dry_run``):
no call record, no voice message, no PIN failure is stored, and plugin nodes are told
not to act for real; tests pass ``dry_run=False`` to exercise the real thing."""
from __future__ import annotations

import re
import uuid
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import parse_qsl

from flask import Flask

from app.ivr import flows
from app.ivr.channel import CallInfo, Hangup
from app.ivr.engine import CallResult, run_call
from app.timeutil import utcnow

HANGUP = "hangup"
#: Marks an input pressed while the next prompt plays (``">2"``), before any question.
DURING = ">"
#: Seconds the simulated clock moves for a prompt, a said number, a typed answer.
PROMPT_SECONDS = 1.0


@dataclass(frozen=True)
class Event:
    """One thing on the line. ``kind``: ``play`` (a prompt played to the end), ``prompt``
    (a prompt that waits for keys), ``input`` (keys typed; ``*`` per digit when secret),
    ``silence`` (no key until the timeout, value in ms), ``say_digits``, ``say_number``,
    ``record``, ``set`` (``NAME=value``), ``verbose``, ``hangup`` (the IVR hung up),
    ``caller_hangup``, ``barge_in`` (a key that cut a prompt short) and ``lost_key`` (a key
    pressed during a prompt that did not listen for it)."""

    kind: str
    value: str = ""

    def __str__(self) -> str:
        return f"{self.kind}: {self.value}" if self.value else self.kind


def info_for(script: str = "ivr", caller: str = "13800000001", uniqueid: str | None = None,
             **fields: Any) -> CallInfo:
    """A :class:`CallInfo` for an AGI script path with its query, e.g. ``survey?call=5``."""
    path, _sep, query = script.partition("?")
    return CallInfo(uniqueid=uniqueid or f"sim-{uuid.uuid4().hex[:12]}", channel="Simulated/1",
                    caller=caller, script=path, query=dict(parse_qsl(query)), **fields)


class SimulatedChannel:
    """A :class:`~app.ivr.channel.Channel` driven by ``inputs`` given in advance."""

    def __init__(self, info: CallInfo | None = None, inputs: Sequence[str | None] = (), *,
                 hangup_after: int | None = None, now: datetime | None = None,
                 dry_run: bool = True, record_seconds: int = 5) -> None:
        self.info = info or info_for()
        self.dry_run = dry_run
        self.events: list[Event] = []
        self.variables: dict[str, str] = {}
        self.commands = 0
        self.hung_up = False
        self._inputs = deque(inputs)
        self._hangup_after = hangup_after
        self._start = now.astimezone(timezone.utc).replace(tzinfo=None) if now and now.tzinfo else (now or utcnow())
        self._seconds = 0.0
        self._secret = 0
        self._record_seconds = record_seconds

    # --- what the engine may ask of any channel, beyond the protocol ------------------------

    @contextmanager
    def secret(self) -> Iterator[None]:
        """Digits typed inside are shown masked (as the AGI channel masks its logs)."""
        self._secret += 1
        try:
            yield
        finally:
            self._secret -= 1

    def clock(self) -> float:
        return self._seconds

    def now(self) -> datetime:
        return self._start + timedelta(seconds=self._seconds)

    # --- plumbing --------------------------------------------------------------------------------

    def _live(self) -> None:
        """Every command that needs the caller: counts, and fails once they hung up."""
        if not self.hung_up and self._hangup_after is not None and self.commands >= self._hangup_after:
            self._caller_hangs_up()
        if self.hung_up:
            raise Hangup()
        self.commands += 1

    def _caller_hangs_up(self) -> None:
        if not self.hung_up:
            self.hung_up = True
            self.events.append(Event("caller_hangup"))

    def _next_input(self) -> str | None:
        value = self._inputs.popleft() if self._inputs else None
        if value and value.startswith(DURING):
            value = value[len(DURING):]
        if value == HANGUP:
            self._caller_hangs_up()
            raise Hangup()
        return value

    def _typed(self, digits: str) -> None:
        self.events.append(Event("input", "*" * len(digits) if self._secret else digits))
        self._seconds += PROMPT_SECONDS

    # --- the Channel protocol ------------------------------------------------------------------

    def _pressed_during(self, escape_digits: str) -> str:
        """A key pressed ``during`` the sound now playing: it cuts the sound short when
        the command listens for it (its escape digits), and is lost otherwise, as on
        Asterisk."""
        if not (self._inputs and isinstance(self._inputs[0], str) and self._inputs[0].startswith(DURING)):
            return ""
        key = self._inputs.popleft()[len(DURING):][:1]
        if key and key in escape_digits:
            self.events.append(Event("barge_in", key))
            return key
        self.events.append(Event("lost_key", key))
        return ""

    def stream_file(self, prompt: str, escape_digits: str = "") -> str:
        self._live()
        self.events.append(Event("play", prompt))
        self._seconds += PROMPT_SECONDS
        return self._pressed_during(escape_digits)

    def get_data(self, prompt: str, timeout_ms: int, max_digits: int) -> tuple[str, bool]:
        self._live()
        self.events.append(Event("prompt", prompt))
        self._seconds += PROMPT_SECONDS
        value = self._next_input()   # keys pressed during its prompt too: GET DATA listens
        if not value:
            self.events.append(Event("silence", str(timeout_ms)))
            self._seconds += timeout_ms / 1000
            return "", True
        digits = value.split("#", 1)[0][:max_digits]
        self._typed(digits)
        return digits, False

    def wait_for_digit(self, timeout_ms: int) -> str:
        self._live()
        value = self._next_input()
        if not value:
            self.events.append(Event("silence", str(timeout_ms)))
            self._seconds += timeout_ms / 1000
            return ""
        self._typed(value[0])
        return value[0]

    def say_digits(self, digits: str, escape_digits: str = "") -> str:
        self._live()
        self.events.append(Event("say_digits", digits))
        self._seconds += PROMPT_SECONDS
        return self._pressed_during(escape_digits)

    def say_number(self, number: int, escape_digits: str = "") -> str:
        self._live()
        self.events.append(Event("say_number", str(number)))
        self._seconds += PROMPT_SECONDS
        return self._pressed_during(escape_digits)

    def record_file(self, filename: str, fmt: str, escape_digits: str, timeout_ms: int,
                    silence_seconds: int = 0, beep: bool = True) -> tuple[str, bool]:
        """The caller speaks for ``record_seconds``; a :data:`HANGUP` next in ``inputs``
        means they hang up when done (the message stays)."""
        self._live()
        self.events.append(Event("record", f"{filename}.{fmt}"))
        self._seconds += min(self._record_seconds, timeout_ms / 1000)
        if self._inputs and self._inputs[0] == HANGUP:
            self._inputs.popleft()
            self._caller_hangs_up()
            raise Hangup()
        return "#", False

    def set_variable(self, name: str, value: str) -> None:
        self.commands += 1  # allowed on a dead channel, as in Asterisk
        self.variables[name] = value
        self.events.append(Event("set", f"{name}={value}"))

    def get_variable(self, name: str) -> str | None:
        self.commands += 1
        return self.variables.get(name)

    def verbose(self, message: str, level: int = 1) -> None:
        self.commands += 1
        self.events.append(Event("verbose", message))

    def finish(self) -> None:
        """Nothing to close: the browser's walk ends with the run."""

    def hangup(self) -> None:
        self._live()
        self.hung_up = True
        self.events.append(Event("hangup"))


@dataclass
class Transcript:
    """What a simulated call did, for the simulator page and for tests."""

    events: list[Event]
    variables: dict[str, str]
    result: CallResult
    commands: int = 0

    @property
    def heard(self) -> list[str]:
        """Prompt names and spoken values in order (``digits:100010``, ``number:12``)."""
        out = []
        for event in self.events:
            if event.kind in ("play", "prompt"):
                out.append(event.value)
            elif event.kind in ("say_digits", "say_number"):
                out.append(f"{event.kind[4:]}:{event.value}")
        return out

    def lines(self) -> list[str]:
        return [str(event) for event in self.events]

    @property
    def outcome(self) -> str:
        return self.result.outcome


def parse_inputs(text: str) -> list[str | None]:
    """The simulator page's input box: entries separated by spaces or commas; ``_`` or
    ``-`` for silence, ``h`` or ``hangup`` to hang up, ``>2`` for 2 pressed while the next
    prompt plays. ``"1 _ 100010 h"``."""
    out: list[str | None] = []
    for token in filter(None, re.split(r"[\s,]+", text.strip())):
        if token in ("_", "-"):
            out.append(None)
        elif token.lower() in ("h", HANGUP):
            out.append(HANGUP)
        else:
            out.append(token)
    return out


def simulate(app: Flask, target: str | Mapping[str, Any], inputs: Sequence[str | None] = (), *,
             line: str | None = None, caller: str = "13800000001", hangup_after: int | None = None,
             now: datetime | None = None, dry_run: bool = True, script: str | None = None,
             record_seconds: int = 5) -> Transcript:
    """Run one simulated call. ``target`` is a line number (its active flow runs) or a
    flow definition (validated first, :class:`~app.ivr.flows.FlowError` when it is not
    valid; ``line`` gives it a line's queue and hours). ``script`` overrides the entry
    (``"survey?call=5"``, ``"node/core.play?prompt=goodbye"``)."""
    definition = None
    if isinstance(target, Mapping):
        with app.app_context():
            problems = flows.validate_here(target)
        if problems:
            raise flows.FlowError(problems)
        definition = target
        number = line or ""
    else:
        number = target
    entry = script or (f"ivr?line={number}" if number else "ivr")
    channel = SimulatedChannel(info_for(entry, caller=caller), inputs, hangup_after=hangup_after,
                               now=now, dry_run=dry_run, record_seconds=record_seconds)
    result = run_call(app, channel, definition)
    return Transcript(channel.events, channel.variables, result, channel.commands)
