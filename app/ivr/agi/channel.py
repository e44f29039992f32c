"""The FastAGI channel: pyst2's :class:`asterisk.agi.AGI` over one socket from Asterisk,
made safe for a threaded server (``docs/agi.md``, "pyst2 0.5.1 inside a threaded server").

pyst2 keeps doing what it does well: encoding commands and parsing ``200 result=...``
lines. Each of its traps is handled here, in one place:

1. ``AGI.__init__`` is never called (it installs a SIGHUP handler: ValueError outside the
   main thread); :meth:`AGIChannel.__init__` sets the attributes pyst2 needs.
2. I/O is ours (:mod:`app.ivr.agi.io`): :class:`LineReader` decodes UTF-8 and falls back to GB18030 (a GBK caller
   name) then to replacement characters; :class:`SocketWriter` encodes UTF-8 and writes
   through (no buffer to flush, no ``str``/``bytes`` mix-up).
3. Nothing goes to stderr: pyst2's ``stderr`` is a sink that drops everything, and we log
   commands and replies to ``postline.agi`` at DEBUG, long digit runs masked, everything
   the caller types masked inside :meth:`AGIChannel.secret`.
4. The server is ours (:mod:`app.ivr.agi.server`), not ``asterisk.fastagi``.
5. EOF, a reset or a timeout becomes :class:`ConnectionLost` (a :class:`Hangup`); the
   unsolicited ``HANGUP`` line is swallowed and remembered; ``511`` becomes :class:`Hangup`.
6. ``result=-1`` on STREAM FILE / GET DATA / SAY: a ``HANGUP`` line already seen, or
   arriving within :data:`HANGUP_GRACE_SECONDS`, means hangup; otherwise a missing sound
   file: :class:`~app.ivr.channel.MissingSound`, which the engine treats as any error
   (apology, then an agent with ``POSTLINE_STATUS=ERROR``).
7. The reader raises instead of returning "" at EOF, so pyst2's 520 usage loop ends.
8. :meth:`AGIChannel._quote` escapes ``\\`` and ``"`` and strips CR, LF and NUL, and every
   string argument is quoted; :meth:`send_command` strips CR/LF from the whole line too.
9. :meth:`get_data` keeps the ``(timeout)`` flag; :meth:`record_file` reports a timeout as
   ``("", True)``, not ``chr(0)``.

Timeouts: each reply must arrive within ``command_timeout`` seconds plus the command's own
timeout (GET DATA, WAIT FOR DIGIT, RECORD FILE); the whole call ends at ``deadline``
(a :func:`time.monotonic` value). Past the deadline, or once the server asks for it
(:meth:`request_handover`, at shutdown), the next command is replaced by
``SET VARIABLE POSTLINE_STATUS "ERROR"`` and the connection is closed: the dialplan hands
the caller to an agent."""
from __future__ import annotations

import logging
import re
import socket
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qsl

from asterisk.agi import AGI, AGIAppError, AGIError, AGIResultHangup, AGIUnknownError

from app.ivr.agi.errors import AGIProtocolError, CallDeadline, ConnectionLost, ServerStopping
from app.ivr.agi.io import DEFAULT_COMMAND_TIMEOUT, DropSink, LineReader, SocketWriter
from app.ivr.calllog import call_log
from app.ivr.channel import CallInfo, Hangup, MissingSound
from app.ivr.handover import ERROR, Handover
from app.ivr.masking import mask_digits

log = logging.getLogger("postline.agi")

HANGUP_GRACE_SECONDS = 0.25      # how long a result=-1 waits for its HANGUP line
HANDOVER_REPLY_SECONDS = 5.0     # the SET VARIABLE of a handover gets this long at most
MAX_ENV_LINES = 200
REQUIRED_ENV = ("agi_request", "agi_channel", "agi_uniqueid")
UNKNOWN = "unknown"

_DIGITS = re.compile(r"^[0-9*#A-Da-d]*$")
_ENV_LINE = re.compile(r"^agi_\w+:")
_TIMEOUT_FLAG = re.compile(r"\(timeout\)")
_RESULT_DATA = re.compile(r"result=([^\s(]*)\s*(?:\(([^)]*)\))?")


def call_info_from_env(env: Mapping[str, str]) -> CallInfo:
    """What the engine needs from Asterisk's environment: the script path split from its
    query (``ivr?line=12329`` → ``ivr``, ``{"line": "12329"}``), "unknown" caller and
    dialled numbers as "", ``agi_arg_1..N`` in order."""
    script, _, query = env.get("agi_network_script", "").partition("?")
    args = []
    while f"agi_arg_{len(args) + 1}" in env:
        args.append(env[f"agi_arg_{len(args) + 1}"])

    def known(key: str) -> str:
        value = env.get(key, "")
        return "" if value.strip().lower() == UNKNOWN else value

    return CallInfo(
        uniqueid=env.get("agi_uniqueid", ""),
        channel=env.get("agi_channel", ""),
        caller=known("agi_callerid"),
        caller_name=known("agi_calleridname"),
        dnid=known("agi_dnid"),
        extension=env.get("agi_extension", ""),
        context=env.get("agi_context", ""),
        language=env.get("agi_language", "") or "zh",
        script=script.strip("/"),
        query=dict(parse_qsl(query, keep_blank_values=True)),
        args=args,
        env=dict(env),
    )


class AGIChannel(AGI):
    """One call from Asterisk. Implements :class:`app.ivr.channel.Channel`; pyst2's other
    methods (``answer``, ``appexec``, ``noop``...) work too, through the same safe I/O.

    Not thread-safe: one call thread uses it; the server only calls
    :meth:`request_handover` and :meth:`abort` from elsewhere."""

    def __init__(self, sock: socket.socket, *, command_timeout: float = DEFAULT_COMMAND_TIMEOUT,
                 deadline: float | None = None) -> None:
        # AGI.__init__ is not called on purpose (SIGHUP handler, stderr, stdin): trap 1.
        self.sock = sock
        self.command_timeout = command_timeout
        self.stdin = LineReader(sock, self._heard_hangup, self._log_reply)
        self.stdin.deadline = deadline
        self.stdout = SocketWriter(sock, command_timeout)
        self.stderr = DropSink()
        self._got_sighup = False
        self.env: dict[str, str] = {}
        self.info = CallInfo()
        self.hung_up = False          # Asterisk said HANGUP (or 511), or we hung up
        self.closed = False           # the connection is no longer usable
        self.last_reply = ""
        self._secret = 0
        self._pending = False         # a command was sent and its reply not read yet
        self._handover = threading.Event()
        self.log = call_log(log, "-")
        #: Put before every prompt name Asterisk is asked to play (``SOUNDS_PREFIX``,
        #: :mod:`app.ivr.prompts.location`): a relative name is looked up in Asterisk's
        #: own sounds folder, not in PostLine's.
        self.sounds_prefix = ""

    # -- the environment ------------------------------------------------------------
    def read_environment(self, timeout: float | None = None) -> CallInfo:
        """Read Asterisk's ``agi_*: value`` block, all of it within ``timeout`` seconds
        (default ``command_timeout``). Garbage, a partial block (EOF or silence before the
        blank line) or a block without :data:`REQUIRED_ENV` raises
        :class:`ConnectionLost`/:class:`AGIProtocolError`."""
        self.stdin.expect_within(self.command_timeout if timeout is None else timeout)
        env: dict[str, str] = {}
        try:
            for _ in range(MAX_ENV_LINES):
                line = self.stdin.read_raw_line()
                if not line:
                    break
                if not _ENV_LINE.match(line):
                    raise AGIProtocolError(f"not an AGI environment line: {line[:40]!r}")
                key, _, value = line.partition(":")
                env[key] = value[1:] if value.startswith(" ") else value
            else:
                raise AGIProtocolError(f"more than {MAX_ENV_LINES} environment lines")
        except Hangup:
            self.closed = True
            raise
        missing = [key for key in REQUIRED_ENV if key not in env]
        if missing:
            self.closed = True
            raise AGIProtocolError(f"incomplete AGI environment (no {', '.join(missing)})")
        self.env = env
        self.info = call_info_from_env(env)
        self.log = call_log(log, self.info.uniqueid)
        if self.log.isEnabledFor(logging.DEBUG):
            for key, value in env.items():
                shown = mask_digits(value) if key != "agi_uniqueid" else value
                self.log.debug("env %s: %s", key, shown)
        return self.info

    # -- secrets ---------------------------------------------------------------------
    @contextmanager
    def secret(self) -> Iterator[None]:
        """Inside this block the commands' arguments and the replies (the digits typed)
        are logged as ``***``: wrap PIN and account entry in it."""
        self._secret += 1
        try:
            yield
        finally:
            self._secret -= 1

    # -- pyst2 overrides: encoding, I/O, results --------------------------------------
    def _quote(self, string: Any) -> str:
        """Trap 8: quote so that Asterisk's parser gives back exactly this one argument."""
        text = str(string)
        for char in ("\r", "\n", "\0"):
            text = text.replace(char, "")
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    def send_command(self, command: str, *args: Any) -> None:
        line = f"{command.strip()} {' '.join(map(str, args))}".strip()
        line = line.replace("\r", "").replace("\n", "").replace("\0", "")
        if self.log.isEnabledFor(logging.DEBUG):
            shown = command.strip() + " ***" if self._secret else mask_digits(line)
            self.log.debug("-> %s", shown)
        try:
            self.stdout.write(line + "\n")
        except ConnectionLost:
            self.closed = True
            raise

    def get_result(self, stdin: Any = None) -> dict[str, tuple[str, str]]:
        try:
            return super().get_result()
        except AGIUnknownError as exc:
            if exc.args and exc.args[0] == 511:
                self.hung_up = True
                raise Hangup("511: the channel is dead") from exc
            raise
        except ValueError as exc:  # int('') on a line that has no code
            self.closed = True
            raise AGIProtocolError(
                f"unreadable reply from Asterisk: {self.stdin.last_line[:40]!r}") from exc
        except Hangup:  # EOF, timeout, deadline: the reply will never be read
            self.closed = True
            raise
        finally:
            self.last_reply = self.stdin.last_line

    def _log_reply(self, line: str) -> None:
        if self.log.isEnabledFor(logging.DEBUG):
            self.log.debug("<- %s", line[:4] + "***" if self._secret else mask_digits(line))

    def execute(self, command: str, *args: Any) -> dict[str, tuple[str, str]]:
        return self._execute(command, *args)

    def _execute(self, command: str, *args: Any, wait_ms: int = 0) -> dict[str, tuple[str, str]]:
        """One command, one reply; the reply may take ``command_timeout`` plus ``wait_ms``."""
        if self.closed:
            raise ConnectionLost("the connection to Asterisk is closed")
        deadline = self.stdin.deadline
        if self._handover.is_set():
            self._hand_over("the server is stopping")
            raise ServerStopping("the server is stopping: caller handed to an agent")
        if deadline is not None and time.monotonic() >= deadline:
            self._hand_over("the call reached its deadline")
            raise CallDeadline("the call reached its deadline: caller handed to an agent")
        self.stdin.expect_within(self.command_timeout + max(wait_ms, 0) / 1000)
        self.send_command(command, *args)
        self._pending = True
        try:
            return self.get_result()
        finally:
            self._pending = False

    def _heard_hangup(self) -> None:
        if not self.hung_up:
            self.log.debug("<- HANGUP (the caller hung up)")
        self.hung_up = True

    def _hangup_follows(self) -> bool:
        """After ``result=-1``: was it the caller hanging up? (trap 6)"""
        if self.hung_up or self.closed:
            return True
        return self.stdin.poll_hangup(HANGUP_GRACE_SECONDS)

    def _digit(self, result: dict[str, tuple[str, str]]) -> str:
        value = result["result"][0]
        if value in ("", "0"):
            return ""
        try:
            return chr(int(value))
        except ValueError as exc:
            raise AGIError(f"not a digit in the reply: {self.last_reply!r}") from exc

    def _media(self, what: str, command: str, *args: Any, wait_ms: int = 0
               ) -> dict[str, tuple[str, str]]:
        """A command that plays sound. ``result=-1`` is a :class:`Hangup` when the caller
        left, else a missing sound file (:class:`MissingSound`, logged)."""
        result = self._played(command, *args, wait_ms=wait_ms)
        if result is None:
            self.log.error("%s %s: Asterisk answered -1 with the caller still on the line "
                           "(missing sound file)", command, what)
            raise MissingSound(what)
        return result

    def _played(self, command: str, *args: Any, wait_ms: int = 0
                ) -> dict[str, tuple[str, str]] | None:
        """``None`` for ``result=-1`` with the caller still there; :class:`Hangup` when the
        caller left."""
        try:
            return self._execute(command, *args, wait_ms=wait_ms)
        except AGIResultHangup as exc:
            self.hung_up = True
            raise Hangup(f"the caller hung up during {command}") from exc
        except AGIAppError as exc:  # result=-1
            if self._hangup_follows():
                raise Hangup(f"the caller hung up during {command}") from exc
            return None

    # -- the Channel protocol ---------------------------------------------------------
    def stream_file(self, prompt: str, escape_digits: str = "", sample_offset: int = 0) -> str:
        result = self._media(prompt, "STREAM FILE", self._quote(self._sound(prompt)),
                             self._quote(escape_digits), int(sample_offset))
        return self._digit(result)

    def get_data(self, prompt: str, timeout_ms: int = 5000, max_digits: int = 255
                 ) -> tuple[str, bool]:
        """Trap 9: ``(digits, timed_out)``; ``#`` alone gives ``("", False)``."""
        wait = max(int(timeout_ms), 0) * (int(max_digits) + 1)
        self._media(prompt, "GET DATA", self._quote(self._sound(prompt)), int(timeout_ms), int(max_digits),
                    wait_ms=wait)
        match = _RESULT_DATA.search(self.last_reply)
        digits = match.group(1) if match else ""
        if not _DIGITS.match(digits):
            raise AGIError(f"GET DATA gave no digits: {self.last_reply!r}")
        return digits, bool(_TIMEOUT_FLAG.search(self.last_reply))

    def _sound(self, prompt: str) -> str:
        if not self.sounds_prefix or prompt.startswith("/"):
            return prompt
        return f"{self.sounds_prefix.rstrip('/')}/{prompt}"

    def wait_for_digit(self, timeout_ms: int = 5000) -> str:
        try:
            result = self._execute("WAIT FOR DIGIT", int(timeout_ms), wait_ms=int(timeout_ms))
        except AGIAppError as exc:  # -1: hangup (there is no sound file to miss)
            self.hung_up = True
            raise Hangup("the caller hung up during WAIT FOR DIGIT") from exc
        return self._digit(result)

    def say_digits(self, digits: str, escape_digits: str = "") -> str:
        result = self._media("(digits)", "SAY DIGITS", self._quote(digits),
                             self._quote(escape_digits))
        return self._digit(result)

    def say_number(self, number: int, escape_digits: str = "") -> str:
        result = self._media("(number)", "SAY NUMBER", self._quote(int(number)),
                             self._quote(escape_digits))
        return self._digit(result)

    def record_file(self, filename: str, fmt: str = "wav", escape_digits: str = "#",
                    timeout_ms: int = 60000, silence_seconds: int = 0, beep: bool = True
                    ) -> tuple[str, bool]:
        """Trap 9: ``(digit, False)`` when a digit ended it, ``("", True)`` on timeout or
        silence; :class:`Hangup` when the caller hung up; AGIError when Asterisk could not
        write the file."""
        args: list[Any] = [self._quote(filename), self._quote(fmt), self._quote(escape_digits),
                           int(timeout_ms), 0]
        if beep:
            args.append("BEEP")
        if silence_seconds > 0:
            args.append(f"s={int(silence_seconds)}")
        wait = int(timeout_ms) if timeout_ms > 0 else self._until_deadline_ms()
        result = self._played("RECORD FILE", *args, wait_ms=wait)
        match = _RESULT_DATA.search(self.last_reply)
        flag = (match.group(2) or "") if match else ""
        if result is None:
            raise AGIError(f"RECORD FILE failed ({flag or self.last_reply})")
        digit = self._digit(result)
        if flag == "timeout" or not digit:
            return "", True
        return digit, False

    def set_variable(self, name: str, value: str) -> None:
        self._execute("SET VARIABLE", self._quote(name), self._quote(value))

    def get_variable(self, name: str) -> str | None:
        try:
            result = self._execute("GET VARIABLE", self._quote(name))
        except AGIResultHangup:  # pyst2 mistakes the value "hangup" for a hangup
            return "hangup"
        code, value = result["result"]
        return value if code == "1" else None

    def verbose(self, message: str, level: int = 1) -> None:
        self._execute("VERBOSE", self._quote(message), int(level))

    def hangup(self, channel: str = "") -> None:
        if channel:
            self._execute("HANGUP", self._quote(channel))
            return
        self._execute("HANGUP")
        self.hung_up = True

    def answer(self) -> None:
        try:
            self._execute("ANSWER")
        except AGIAppError as exc:
            self.hung_up = True
            raise Hangup("the caller hung up before the answer") from exc

    def appexec(self, application: str, options: str = "") -> str:
        """EXEC; AGIError when Asterisk has no such application (``result=-2``)."""
        result = self._execute("EXEC", self._quote(application), self._quote(options))
        code = result["result"][0]
        if code == "-2":
            raise AGIError(f"Asterisk has no application {application!r}")
        return code

    # -- ending a call ---------------------------------------------------------------
    @property
    def usable(self) -> bool:
        """A command can be sent and its reply read (connection open, nothing pending)."""
        return not self.closed and not self._pending

    def fail_safe(self, status: str = ERROR) -> bool:
        """Set ``POSTLINE_STATUS`` if the connection still allows it; never raises. The
        dialplan sends any status but OK to an agent queue."""
        if not self.usable:
            return False
        self.stdin.deadline = None
        try:
            self.stdin.expect_within(min(self.command_timeout, HANDOVER_REPLY_SECONDS))
            for name, value in Handover(status).variables():
                self.send_command("SET VARIABLE", self._quote(name), self._quote(value))
                self.get_result()
            return True
        except (Hangup, AGIError, OSError) as exc:
            self.log.warning("could not set POSTLINE_STATUS=%s: %s", status, exc)
            return False

    def send_failure(self) -> None:
        """The ``failure`` line: Asterisk ends the AGI with AGISTATUS=FAILURE, no reply."""
        self.stdout.write("failure\n")
        self.closed = True

    def request_handover(self) -> None:
        """From the server's thread: at its next command this call sets
        ``POSTLINE_STATUS=ERROR`` and ends (:class:`ServerStopping`)."""
        self._handover.set()

    @property
    def handover_requested(self) -> bool:
        return self._handover.is_set()

    def abort(self) -> None:
        """From the server's thread: cut the connection (a blocked read ends at once).
        Asterisk leaves the AGI; POSTLINE_STATUS is not OK, so the dialplan queues the
        caller for an agent."""
        self._shut()

    def finish(self) -> None:
        """The IVR has said its last word: close the connection now, so that Asterisk goes
        on with the dialplan at once and the caller never waits while the call record is
        written (Asterisk waits for the close, not for our database)."""
        self._shut()

    def _shut(self) -> None:
        self.closed = True
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _hand_over(self, reason: str) -> None:
        self.log.warning("handing the caller to an agent: %s", reason)
        self.fail_safe(ERROR)
        self.abort()

    def _until_deadline_ms(self) -> int:
        if self.stdin.deadline is None:
            return int(DEFAULT_COMMAND_TIMEOUT * 1000)
        return max(int((self.stdin.deadline - time.monotonic()) * 1000), 0)
