"""The call context a node works with: the verbs an IVR author thinks in, over a
:class:`~app.ivr.channel.Channel` (the FastAGI channel, or the simulator).

Conventions every verb keeps, so that no node has to:

* "0" alone at any prompt reaches an agent (the line's queue); "*" repeats the prompt.
  Retries are bounded; a caller who never presses anything ends in :class:`NoInput`,
  one who keeps pressing wrong keys in :class:`RetriesExhausted` (the engine turns them
  into a goodbye and a transfer to an agent).
* Secrets (PINs, account numbers) are read with ``secret=True``: the channel is told, so it
  can mask its own logs, and the value is remembered only to scrub it from anything the
  call stores or logs. ``call.data`` is what the agent sees: a PIN never goes there.
* Before each channel command the database connection goes back to the pool
  (:mod:`app.ivr.sessions`): a call holds none while the caller listens or thinks.
* Leaving the IVR writes the hand-over variables through :mod:`app.ivr.handover`.

Timeouts are in seconds here (the channel's are milliseconds, as AGI has them)."""
from __future__ import annotations

import logging
import os
import re
import time
import wave
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, NoReturn

from flask import Flask, current_app

from app.calls.models import SELF_SERVED
from app.ivr import pins, sessions, speech
from app.ivr.calllog import call_log
from app.ivr.channel import Channel, Hangup
from app.ivr.control import (
    AgentRequested,
    BackToMenu,
    CallEnded,
    GotoFlow,
    NoInput,
    RetriesExhausted,
    Transferred,
)
from app.ivr.handover import OK, Handover, hand_over
from app.ivr.lines import LineInfo
from app.ivr.masking import Secrets, mask
from app.ivr.prompts import texts as p
from app.timeutil import local, utcnow

log = logging.getLogger("postline.ivr")

#: "*" replays a prompt at most this often before it counts as a wrong key.
MAX_REPEATS = 5
MENU_KEYS = tuple("123456789")  # a tuple: "12" in a string of keys would be True
#: After an answer: 1 again, 2 another query, 0 an agent, * the previous menu, # the main menu.
AGAIN, ANOTHER, AGENT, PREVIOUS_MENU, MAIN_MENU = "1", "2", "0", "*", "#"
ANSWER_KEYS = AGAIN + ANOTHER + AGENT + PREVIOUS_MENU + MAIN_MENU
SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]")


@dataclass
class PathEntry:
    """A step the call entered: which, with which node, when (UTC), and how it ended."""

    step: str
    node: str
    at: datetime
    outcome: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"step": self.step, "node": self.node,
                "at": self.at.replace(microsecond=0).isoformat() + "Z", "outcome": self.outcome}


@dataclass(frozen=True)
class Recording:
    """What ``call.record`` stored: ``path`` is relative to :func:`recordings_dir`."""

    path: str
    duration_s: int
    hung_up: bool = False


def recordings_dir(app: Flask | None = None) -> Path:
    """``IVR_RECORDINGS_DIR`` (relative: inside the instance folder), default
    ``<instance>/recordings``. Asterisk writes the files, so with Asterisk on another host
    this folder is a mount both see under the same path."""
    app = app or current_app
    folder = Path(os.path.expanduser(app.config.get("IVR_RECORDINGS_DIR") or "recordings"))
    return folder if folder.is_absolute() else Path(app.instance_path) / folder


def recording_path(relative: str, app: Flask | None = None) -> Path:
    """The file of a stored recording (``Voicemail.path``), refusing any path that would
    leave the recordings folder: what the web page that plays messages must use."""
    folder = recordings_dir(app).resolve()
    path = (folder / relative).resolve()
    if folder not in path.parents:
        raise ValueError(f"{relative!r} is not inside the recordings folder")
    return path


def _wav_seconds(path: Path) -> float | None:
    try:
        with wave.open(str(path), "rb") as audio:
            return audio.getnframes() / float(audio.getframerate() or 1)
    except (OSError, EOFError, wave.Error):
        return None


class Call:
    """One caller in the IVR. Nodes use the verbs; the engine uses :meth:`enter`,
    :meth:`screen_data` and the outcome fields."""

    def __init__(self, channel: Channel, line: LineInfo | None = None, call_id: int | None = None,
                 dry_run: bool | None = None) -> None:
        sessions.install()
        self.channel = channel
        self.info = channel.info
        self.line = line or LineInfo()
        #: ``CallRecord.id``, also ``POSTLINE_CALL_ID``; ``None`` in a dry run.
        self.call_id = call_id
        #: True in the browser's simulator: nothing real may happen (no money moved, no
        #: order booked, no voice message or PIN failure stored). Nodes must respect it.
        self.dry_run = bool(getattr(channel, "dry_run", False)) if dry_run is None else dry_run
        #: What the agent sees on the screen pop; never a secret.
        self.data: dict[str, Any] = {}
        self.path: list[PathEntry] = []
        #: How the call ended, when a node decides it (``voicemail``); else the engine's.
        self.outcome = ""
        self.reason = ""
        self.queue, self.priority, self.agent = "", 0, ""
        self.secrets = Secrets()
        #: Barge-in: the keys of what follows the prompt now playing (the next menu's and
        #: 0), set by the engine before each step; :meth:`announce` listens for them.
        self.keys_ahead = ""
        #: A key that cut a prompt short, kept for the menu that follows (type-ahead).
        self.typeahead = ""
        self._listening = ""
        clock = getattr(channel, "clock", None)
        self._clock: Callable[[], float] = clock if callable(clock) else time.monotonic
        self._started = self._clock()
        self.log = call_log(log, self.info.uniqueid)

    # --- time ------------------------------------------------------------------------------

    def now(self) -> datetime:
        """Naive UTC; the simulator's channel may fix it (``channel.now()``) to test hours."""
        source = getattr(self.channel, "now", None)
        value = source() if callable(source) else utcnow()
        if value.tzinfo is not None:
            value = value.astimezone(timezone.utc).replace(tzinfo=None)
        return value

    def local_now(self) -> datetime:
        """The centre's local time (``TIMEZONE``), for opening hours and PIN days."""
        return local(self.now())

    def elapsed(self) -> float:
        return self._clock() - self._started

    # --- engine bookkeeping ------------------------------------------------------------------

    def enter(self, step: str, node: str) -> None:
        self.path.append(PathEntry(step, node, self.now()))

    def left(self, outcome: str) -> None:
        if self.path:
            self.path[-1].outcome = outcome

    def scrub(self, text: str) -> str:
        """``text`` with every secret typed in this call replaced by a mask."""
        return self.secrets.scrub(text)

    def screen_data(self) -> dict[str, Any]:
        """``data`` as stored and shown: a secret a node put there by mistake is masked."""
        return self.secrets.clean(self.data)

    # --- playing -------------------------------------------------------------------------------

    def _io(self) -> Channel:
        sessions.release()
        return self.channel

    def play(self, prompt: str, escape: str = "") -> str:
        """Play a prompt; the key that interrupted it (only keys in ``escape``) or ""."""
        return self._heard(self._io().stream_file(prompt, escape or self._listening) or "", escape)

    def announce(self, prompt: str) -> None:
        """A prompt the caller may cut short with the keys of what follows
        (:attr:`keys_ahead`: the next menu's keys and 0); the key is kept for that menu.
        Not played at all when the caller already pressed one (they know where to go)."""
        if self.typeahead:
            return
        self.typeahead = self.play(prompt, self.keys_ahead)

    def say_digits(self, digits: str) -> None:
        digits = str(digits)
        if not re.fullmatch(r"[0-9]+", digits):
            raise ValueError("say_digits speaks digits only")
        self._heard(self._io().say_digits(digits, self._listening) or "")

    def say_number(self, number: int) -> None:
        if isinstance(number, bool) or not isinstance(number, int):
            raise TypeError(f"say_number speaks whole numbers, not {type(number).__name__}")
        self._heard(self._io().say_number(number, self._listening) or "")

    def _heard(self, key: str, escape: str = "") -> str:
        """A key that cut a sound short: returned to a caller that asked for it (``escape``),
        or, while :meth:`answer` speaks, the end of the answer (:class:`_CutShort`)."""
        if key and self._listening and not escape:
            raise _CutShort(key)
        return key

    def answer(self, speak: Callable[[], None], timeout_s: float = 5) -> None:
        """A self-service answer and what the caller can do with it, the same for every
        line: ``speak()`` says it, then 1 hears it again, 2 asks another query (this
        returns: the node asks again), 0 reaches an agent, * goes back to the previous menu
        and # to the main menu (:class:`BackToMenu`); a wrong key or silence is the previous
        menu, never the start of the call. The keys work while the answer plays, too."""
        for _ in range(MAX_REPEATS + 1):
            key = self._speak_listening(speak)
            if not key:
                digits, timed_out = self._read(p.AFTER_ANSWER, timeout_s, 1, False)
                key = digits or ("" if timed_out else MAIN_MENU)   # "#" alone ends GET DATA empty
            if key == AGAIN:
                continue
            if key == ANOTHER:
                return
            if key == AGENT:
                raise AgentRequested()
            raise BackToMenu(main=key == MAIN_MENU)
        raise BackToMenu()

    def _speak_listening(self, speak: Callable[[], None]) -> str:
        self._listening = ANSWER_KEYS
        try:
            speak()
        except _CutShort as cut:
            return cut.key
        finally:
            self._listening = ""
        return ""

    def say(self, pieces: list[speech.Piece]) -> None:
        """Pieces of :mod:`app.ivr.speech` in order (numbers, digits, prompts)."""
        self._say(pieces)

    def _say(self, pieces: list[speech.Piece]) -> None:
        for kind, value in pieces:
            if kind == "number":
                self.say_number(int(value))
            elif kind == "digits":
                self.say_digits(str(value))
            else:
                self.play(str(value))

    def say_amount(self, fen: int) -> None:
        """An amount of integer fen, in yuan, jiao and fen (十二元零五分)."""
        self._say(speech.amount_pieces(fen))

    def say_date(self, day: date) -> None:
        self._say(speech.date_pieces(day))

    # --- collecting ----------------------------------------------------------------------------

    def _get_data(self, prompt: str, timeout_s: float, max_digits: int, secret: bool) -> str:
        return self._read(prompt, timeout_s, max_digits, secret)[0]

    def _read(self, prompt: str, timeout_s: float, max_digits: int, secret: bool) -> tuple[str, bool]:
        """GET DATA: (digits, timed out); ``#`` alone is ``("", False)``."""
        channel = self._io()
        guard = getattr(channel, "secret", None) if secret else None
        with guard() if callable(guard) else nullcontext():
            digits, timed_out = channel.get_data(prompt, int(timeout_s * 1000), max_digits)
        digits = digits or ""
        if secret:
            self.secrets.remember(digits)
        return digits, bool(timed_out)

    def _collect(self, prompt: str, max_digits: int, timeout_s: float, retries: int,
                 accept: Callable[[str], bool], secret: bool, allow_agent: bool,
                 idle_limit_s: float = 0, keys: str = "") -> str:
        """``keys``: a menu's keys, which also cut its feedback prompts short (a key pressed
        during "wrong key" is the next try, not lost)."""
        if timeout_s <= 0 or retries < 0 or max_digits < 1:
            raise ValueError("timeout_s must be > 0, retries >= 0, max_digits >= 1")
        failures = repeats = 0
        typed = False
        idle = 0.0
        pending = ""
        while True:
            digits, pending = pending or self._get_data(prompt, timeout_s, max_digits, secret), ""
            if not digits:
                idle += timeout_s
                if idle_limit_s:
                    if idle >= idle_limit_s:
                        raise NoInput()
                    pending = self.play(p.NO_INPUT, keys)
                    continue
                failures += 1
                feedback = p.NO_INPUT
            elif allow_agent and digits == "0":
                raise AgentRequested()
            elif digits.startswith("*") and repeats < MAX_REPEATS:
                repeats += 1
                idle = 0.0
                continue
            elif not digits.startswith("*") and accept(digits):
                return digits
            else:
                failures += 1
                typed = True
                idle = 0.0
                feedback = p.INVALID_INPUT
            if failures > retries:
                raise RetriesExhausted() if typed else NoInput()
            pending = self.play(feedback, keys)

    def ask(self, prompt: str, max_digits: int, timeout_s: float = 5, retries: int = 2,
            validator: Callable[[str], bool] | None = None, secret: bool = False,
            min_digits: int = 1, allow_agent: bool = True) -> str:
        """Digits the caller types (``#`` ends early). Without a ``validator``, digits only,
        ``min_digits`` to ``max_digits`` of them. ``retries`` is how many more tries after
        the first; "0" alone is a request for an agent unless ``allow_agent`` is False."""
        def default(digits: str) -> bool:
            return digits.isdigit() and min_digits <= len(digits) <= max_digits

        return self._collect(prompt, max_digits, timeout_s, retries, validator or default,
                             secret, allow_agent)

    def menu(self, prompt: str, options: Iterable[str], timeout_s: float = 5, retries: int = 2,
             idle_limit_s: float = 0, allow_agent: bool = True) -> str:
        """One key among ``options`` (digits 1-9; 0 too when ``allow_agent`` is False).
        With ``idle_limit_s`` (60 at a main menu, ``docs/call-centre.md``), silence does not use up
        retries: the menu is repeated until that many seconds passed without a key, and
        then :class:`NoInput` ends the call politely. A key the caller pressed during the
        prompts before (:attr:`typeahead`) is taken at once, without the menu's prompt."""
        keys = set(options)
        allowed = set(MENU_KEYS) | (set() if allow_agent else {"0"})
        if not keys or not keys <= allowed:
            raise ValueError(f"menu keys must be among {''.join(sorted(allowed))}: {sorted(keys)}")
        ahead, self.typeahead = self.typeahead, ""
        if ahead in keys:
            return ahead
        if ahead == AGENT and allow_agent:
            raise AgentRequested()
        listening = "".join(sorted(keys)) + (AGENT if allow_agent else "") + "*"
        return self._collect(prompt, 1, timeout_s, retries, keys.__contains__, False,
                             allow_agent, idle_limit_s, keys=listening)

    def authenticate(self, kind: str, account_prompt: str, pin_prompt: str,
                     check: Callable[[str, str], bool], account_max_digits: int = 20,
                     account_validator: Callable[[str], bool] | None = None,
                     lock_key: Callable[[str], str | None] | None = None) -> str | None:
        """The caller's account once ``check(account, pin)`` accepts a 6-digit PIN, or
        ``None`` (the account is locked, or this call used up its tries). Three wrong PINs
        for an account on one day lock it until the next (:mod:`app.ivr.pins`). Both
        numbers are read as secrets; ``data["<kind>.account"]`` gets the masked account.
        ``lock_key(account)`` names what the lockout counts when several numbers open one
        account (a fund account, an ID card, a bank card): the account they lead to, so
        that each number does not get three tries of its own; ``None`` or "" from it (no
        such account) counts the number as typed, as without ``lock_key``."""
        account = self.ask(account_prompt, account_max_digits, timeout_s=10,
                           validator=account_validator, secret=True)
        self.data[f"{kind}.account"] = mask(account)
        key = pins.account_key(kind, (lock_key(account) if lock_key else None) or account)
        day = self.local_now().date()
        failed = pins.failures_on(kind, key, day)
        while failed < pins.MAX_FAILURES:
            pin = self.ask(pin_prompt, 6, timeout_s=10, secret=True,
                           validator=lambda d: d.isdigit() and len(d) == 6)
            if check(account, pin):
                self.data[f"{kind}.authenticated"] = True
                return account
            failed += 1
            self.log.info("wrong PIN for a %s account (%d today)", kind, failed)
            if not self.dry_run:
                pins.remember_failure(kind, key, day)
            if failed < pins.MAX_FAILURES:
                self.play(p.AUTH_FAILED)
        self.data[f"{kind}.authenticated"] = False
        self.play(p.AUTH_LOCKED)
        return None

    # --- recording -----------------------------------------------------------------------------

    def record(self, name: str, max_s: int = 120, silence_s: int = 5, beep: bool = True) -> Recording:
        """Record the caller until ``#``, ``silence_s`` of silence, ``max_s`` or a hangup
        (a caller who hangs up after speaking has left a message: it is kept, and the
        next verb raises :class:`Hangup`)."""
        folder = recordings_dir()
        stamp = self.local_now()
        who = SAFE_NAME.sub("_", self.info.uniqueid or str(self.call_id or "call"))[:64]
        relative = f"{stamp:%Y/%m/%d}/{who}-{SAFE_NAME.sub('_', name)[:32]}"
        target = folder / relative
        if not self.dry_run:
            target.parent.mkdir(parents=True, exist_ok=True)
        started = self._clock()
        hung_up = False
        try:
            self._io().record_file(str(target), "wav", "#", int(max_s * 1000), silence_s, beep)
        except Hangup:
            hung_up = True
        # Asterisk writes ``<name>.<format>``: the name is kept whole (a uniqueid such as
        # ``1733097600.42`` has a dot that is not a suffix).
        seconds = _wav_seconds(target.parent / f"{target.name}.wav")
        if seconds is None:
            seconds = self._clock() - started
        return Recording(path=relative + ".wav", duration_s=int(round(min(seconds, max_s))),
                         hung_up=hung_up)

    # --- ending --------------------------------------------------------------------------------

    def transfer(self, queue: str | None = None, priority: int = 0, agent: str | None = None,
                 data: dict[str, Any] | None = None) -> NoReturn:
        """Leave the IVR for an agent queue (the line's when ``queue`` is empty): sets
        ``POSTLINE_QUEUE``, ``POSTLINE_PRIORITY``, ``POSTLINE_AGENT`` (preferred agent or
        ""), ``POSTLINE_CALL_ID`` and, last, ``POSTLINE_STATUS=OK`` for the dialplan."""
        if data:
            self.data.update(data)
        queue = queue or self.line.queue
        if not queue:
            raise ValueError("no queue to transfer to: the line has none")
        self.queue, self.priority, self.agent = queue, int(priority), agent or ""
        hand_over(self._io().set_variable, Handover(OK, queue=queue, priority=self.priority,
                                                    agent=self.agent, call_id=str(self.call_id or "")))
        raise Transferred(queue, self.priority, self.agent)

    def hangup(self, prompt: str | None = None, outcome: str = "", reason: str = "") -> NoReturn:
        """Say ``prompt`` (if any) and end the call; the outcome is ``outcome``, else what a
        node set (``voicemail``), else self-served."""
        if prompt:
            self.play(prompt)
        try:
            self._io().hangup()
        except Hangup:
            pass
        raise CallEnded(outcome or self.outcome or SELF_SERVED, reason)

    def goto(self, flow: str) -> NoReturn:
        raise GotoFlow(flow)


class _CutShort(Exception):
    """A key cut an answer short (:meth:`Call.answer`); never leaves the call."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key
