"""An Asterisk emulator for tests: the channel side of a FastAGI conversation, following
``docs/agi.md`` (the protocol as Asterisk 22 speaks it), so that a test reads like a caller's story::

    transcript = run_call(address, "ivr?line=11185",
                          keys=["1", "110000#", SILENCE, HANGUP])
    assert "postcode/enter" in transcript.heard
    assert transcript.ok, transcript.failures

What the emulator does, as Asterisk does it:

- sends the environment in Asterisk's order, LF line endings, with an empty
  ``agi_accountcode``, a Chinese ``agi_calleridname`` and ``agi_dnid: unknown`` (as on
  Local channels); ``env=`` overrides values (``None`` removes a line);
- parses each command line as ``res_agi.c`` does (quotes, backslash escapes) and answers in
  the documented formats; ``510`` for an unknown command; a multi-line ``520`` for bad syntax;
- the caller's ``keys`` are used one per input: GET DATA, WAIT FOR DIGIT, RECORD FILE.
  An entry is a string of digits (``"1"``, ``"110000#"``, ``"#"``), :data:`SILENCE`
  (nothing pressed: a timeout), :data:`HANGUP` (the caller hangs up during that input) or
  a :class:`Press` with a delay. An entry written ``">2"`` is pressed *during* the next
  sound (STREAM FILE, SAY, or GET DATA's prompt): it interrupts a STREAM FILE or SAY only
  if it is among its escape digits, and is lost otherwise (``transcript.lost_keys``), as on
  a real channel, where DTMF reaches only a command that listens for it;
- ``hangup_at=N``: the caller hangs up during the Nth command; ``hangup_after=N``: right
  after the Nth reply (0: before the first command). A playing command answers
  ``result=-1`` then an unsolicited ``HANGUP`` line (``hangup_line_first`` swaps them);
  afterwards channel commands get ``511``, while EXEC, GET/SET VARIABLE, VERBOSE and NOOP
  still work;
- ``sounds``/``missing`` say which sound files exist: a missing one gives
  ``result=-1 endpos=0`` and leaves AGISTATUS=FAILURE;
- RECORD FILE writes ``<name>.<format>`` (the name kept whole, dots and all) when the name
  is an absolute path, as a WAV of ``record_seconds`` of 8 kHz silence; ``endpos`` is that
  many samples; a folder that does not exist gives ``result=-1 (writefile)``. A relative
  name (Asterisk's own sounds folder) is only noted in ``transcript.recordings``;
- one more ``HANGUP`` at the end of every session (after the server's HANGUP command, or
  when the server closes);
- protocol failures of the server are collected in ``transcript.failures``: a command sent
  before the previous reply, the connection still open more than 1 s after the last reply
  or HANGUP, silence for ``patience`` seconds, a runaway number of commands.

:func:`send_garbage`, :func:`send_partial_environment` and :func:`stay_silent` misbehave on
purpose; :func:`start_agi_server` runs PostLine's server for a test."""
from __future__ import annotations

import itertools
import os
import select
import socket
import time
import wave
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

#: The server must close the connection this soon after the last reply or a HANGUP.
CLOSE_WITHIN_SECONDS = 1.0

ENV_ORDER = ("agi_network", "agi_network_script", "agi_request", "agi_channel",
             "agi_language", "agi_type", "agi_uniqueid", "agi_version", "agi_callerid",
             "agi_calleridname", "agi_callingpres", "agi_callingani2", "agi_callington",
             "agi_callingtns", "agi_dnid", "agi_rdnis", "agi_context", "agi_extension",
             "agi_priority", "agi_enhanced", "agi_accountcode", "agi_threadid")

R510 = "510 Invalid or unknown command"
R511 = "511 Command Not Permitted on a dead channel or intercept routine"
USAGE_START = "520-Invalid command syntax.  Proper usage follows:"
USAGE_END = "520 End of proper usage."
ENDPOS_FULL, ENDPOS_CUT = 16000, 4000

DEFAULT_APPLICATIONS = frozenset({"playback", "background", "wait", "noop", "set",
                                  "hangup", "queue", "dial", "goto"})

_uniqueids = itertools.count(1)


@dataclass(frozen=True)
class Press:
    """What the caller does at one input: press ``digits`` ("" = nothing) after
    ``after`` seconds (the emulator waits that long before answering), or hang up.
    ``during``: pressed while the next sound plays, before any question (a caller who
    knows the menu): written ``">2"`` in ``keys``."""

    digits: str = ""
    after: float = 0.0
    hangup: bool = False
    during: bool = False


SILENCE = Press()
HANGUP = Press(hangup=True)

Key = Press | str | None


class Step(NamedTuple):
    """One command from the server and everything the emulator sent back for it
    (unsolicited HANGUP lines included), lines joined with "\\n"."""

    command: str
    reply: str

    @property
    def verb(self) -> str:
        """"STREAM FILE", "GET DATA"... (the first word for an unknown command)."""
        args = parse_args(self.command)
        found = lookup(args)
        return " ".join(found[0]) if found else (args[0] if args else "")


@dataclass
class Transcript:
    """What happened on the emulated channel."""

    env: list[tuple[str, str]] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    variables: dict[str, str] = field(default_factory=dict)
    heard: list[str] = field(default_factory=list)       # prompts, "digits:123", "number:5"
    recordings: list[str] = field(default_factory=list)
    executed: list[str] = field(default_factory=list)    # EXEC applications
    failures: list[str] = field(default_factory=list)    # the server broke the protocol
    keys_left: list[Press] = field(default_factory=list)
    #: Keys pressed during a sound that did not listen for them: lost, as on a real channel.
    lost_keys: list[str] = field(default_factory=list)
    agistatus: str = "SUCCESS"
    hung_up: bool = False          # the channel is dead (caller hung up, or HANGUP command)
    failure_sent: bool = False     # the server sent the ``failure`` line
    closed_by_server: bool = False

    @property
    def ok(self) -> bool:
        return not self.failures

    @property
    def commands(self) -> list[str]:
        return [step.command for step in self.steps]

    @property
    def status(self) -> str | None:
        """POSTLINE_STATUS as the dialplan will read it."""
        return self.variables.get("POSTLINE_STATUS")


def parse_args(line: str) -> list[str]:
    """Split a command line as ``res_agi.c``'s ``parse_args`` does: blanks separate,
    ``"`` quotes (an empty ``""`` is an argument), ``\\`` makes the next character literal."""
    args: list[str] = []
    current: list[str] = []
    quoted = escaped = False
    in_arg = False
    for char in line:
        if escaped:
            current.append(char)
            escaped, in_arg = False, True
        elif char == "\\":
            escaped, in_arg = True, True
        elif char == '"':
            quoted, in_arg = not quoted, True
        elif char in " \t" and not quoted:
            if in_arg:
                args.append("".join(current))
                current, in_arg = [], False
        else:
            current.append(char)
            in_arg = True
    if in_arg:
        args.append("".join(current))
    return args


def asterisk_env(address: tuple[str, int] | None = None, script: str = "ivr",
                 args: Sequence[str] = (), overrides: Mapping[str, str | None] | None = None
                 ) -> list[tuple[str, str]]:
    """The environment block as Asterisk 22 sends it for ``AGI(agi://host:port/script,args)``
    from a PJSIP caller: Asterisk's order, odd values included."""
    host, port = address or ("127.0.0.1", 4573)
    url = f"agi://{host}:{port}" + (f"/{script}" if script else "")
    values = {
        "agi_network": "yes", "agi_network_script": script, "agi_request": url,
        "agi_channel": "PJSIP/trunk-gd-00000a1f", "agi_language": "zh", "agi_type": "PJSIP",
        "agi_uniqueid": f"{int(time.time())}.{next(_uniqueids)}", "agi_version": "22.10.1",
        "agi_callerid": "13800000002", "agi_calleridname": "王芳", "agi_callingpres": "0",
        "agi_callingani2": "0", "agi_callington": "0", "agi_callingtns": "0",
        "agi_dnid": "unknown", "agi_rdnis": "unknown", "agi_context": "postline-ivr",
        "agi_extension": "s", "agi_priority": "2", "agi_enhanced": "0.0",
        "agi_accountcode": "", "agi_threadid": "140233423423232",
    }
    env: list[tuple[str, str]] = [(k, values[k]) for k in ENV_ORDER
                                  if k != "agi_network_script" or script]
    env += [(f"agi_arg_{i}", arg) for i, arg in enumerate(args, start=1)]
    for key, value in (overrides or {}).items():
        keys = [k for k, _ in env]
        if value is None:
            env = [(k, v) for k, v in env if k != key]
        elif key in keys:
            env[keys.index(key)] = (key, value)
        else:
            env.append((key, value))
    return env


def env_block(env: Iterable[tuple[str, str]], encoding: str = "utf-8") -> bytes:
    return ("".join(f"{key}: {value}\n" for key, value in env) + "\n").encode(encoding)


def _press(key: Key) -> Press:
    if isinstance(key, Press):
        return key
    if key and key.startswith(DURING):
        return Press(digits=key[len(DURING):], during=True)
    return Press(digits=key or "")


#: Marks a key pressed while the next sound plays: ``keys=[">2"]``.
DURING = ">"


#: verb → (minimum argc, maximum argc, allowed on a dead channel, plays to the caller,
#: usage). argc counts the verb's words, as Asterisk does.
COMMANDS: dict[tuple[str, ...], tuple[int, int, bool, bool, str]] = {
    ("ANSWER",): (1, 1, False, False, "ANSWER"),
    ("NOOP",): (1, 99, True, False, "NOOP"),
    ("STREAM", "FILE"): (4, 5, False, True, "STREAM FILE <filename> <escape_digits> [sample offset]"),
    ("GET", "DATA"): (3, 5, False, True, "GET DATA <file to be streamed> [timeout] [max digits]"),
    ("WAIT", "FOR", "DIGIT"): (4, 4, False, True, "WAIT FOR DIGIT <timeout>"),
    ("SAY", "DIGITS"): (4, 4, False, True, "SAY DIGITS <number> <escape digits>"),
    ("SAY", "NUMBER"): (4, 5, False, True, "SAY NUMBER <number> <escape digits> [gender]"),
    ("RECORD", "FILE"): (6, 9, False, True, "RECORD FILE <filename> <format> <escape digits> "
                         "<timeout> [offset samples] [BEEP] [s=silence]"),
    ("GET", "VARIABLE"): (3, 3, True, False, "GET VARIABLE <variablename>"),
    ("SET", "VARIABLE"): (4, 4, True, False, "SET VARIABLE <variablename> <value>"),
    ("VERBOSE",): (2, 3, True, False, "VERBOSE <message> <level>"),
    ("EXEC",): (2, 3, True, False, "EXEC <application> <options>"),
    ("HANGUP",): (1, 2, False, False, "HANGUP [<channelname>]"),
    ("CHANNEL", "STATUS"): (2, 3, True, False, "CHANNEL STATUS [<channelname>]"),
}


def lookup(args: Sequence[str]) -> tuple[tuple[str, ...], tuple[int, int, bool, bool, str]] | None:
    """The command named by the first words (case-insensitive, longest match)."""
    words = tuple(a.upper() for a in args[:3])
    for size in (3, 2, 1):
        if words[:size] in COMMANDS:
            return words[:size], COMMANDS[words[:size]]
    return None


class FakeAsterisk:
    """One call as Asterisk drives it; :meth:`run` returns the :class:`Transcript`."""

    def __init__(self, address: tuple[str, int], script: str = "ivr", *,
                 args: Sequence[str] = (), keys: Iterable[Key] = (),
                 hangup_at: int | None = None, hangup_after: int | None = None,
                 env: Mapping[str, str | None] | None = None,
                 sounds: Iterable[str] | None = None, missing: Iterable[str] = (),
                 variables: Mapping[str, str] | None = None,
                 applications: Iterable[str] = DEFAULT_APPLICATIONS,
                 hangup_line_first: bool = False, close_in_usage: bool = False,
                 record_seconds: float = 2.0, encoding: str = "utf-8", patience: float = 10.0, max_commands: int = 500) -> None:
        self.address = address
        self.keys = [_press(k) for k in keys]
        self.hangup_at, self.hangup_after = hangup_at, hangup_after
        self.sounds = None if sounds is None else set(sounds)
        self.missing = set(missing)
        self.applications = {a.lower() for a in applications}
        self.hangup_line_first, self.close_in_usage = hangup_line_first, close_in_usage
        self.record_seconds = record_seconds
        self.encoding, self.patience, self.max_commands = encoding, patience, max_commands
        self.t = Transcript(env=asterisk_env(address, script, args, env),
                            variables=dict(variables or {}))
        self.sock: socket.socket | None = None
        self.buffer = bytearray()
        self.last_sent = time.monotonic()

    # -- the session -------------------------------------------------------------------
    def run(self) -> Transcript:
        with socket.create_connection(self.address, timeout=self.patience) as sock:
            self.sock = sock
            self._send(env_block(self.t.env, self.encoding))
            if self.hangup_after == 0:
                self._send(self._caller_hangs_up())
            self._converse()
            self._send_quietly(b"HANGUP\n")  # Asterisk's last word on every session
        self.t.keys_left = list(self.keys)
        if self.t.agistatus == "SUCCESS" and self.t.hung_up:
            self.t.agistatus = "HANGUP"
        return self.t

    def _converse(self) -> None:
        count = 0
        while True:
            line = self._next_line()
            if line is None:  # the server closed: in time?
                self.t.closed_by_server = True
                gap = time.monotonic() - self.last_sent
                if gap > CLOSE_WITHIN_SECONDS:
                    self._fail(f"the server closed {gap:.1f} s after the last reply "
                               f"(docs/agi.md: within {CLOSE_WITHIN_SECONDS:.0f} s)")
                return
            if line == "":
                self._fail(f"the server neither sent a command nor closed for {self.patience} s")
                return
            if line.strip().lower().startswith("failure"):
                self.t.failure_sent = True
                self.t.agistatus = "FAILURE"
                return
            if self._more_waiting():
                self._fail(f"command sent before the previous reply: {line!r}")
            count += 1
            if count > self.max_commands:
                self._fail(f"more than {self.max_commands} commands: a loop?")
                return
            reply, close = self._answer(count, line)
            self.t.steps.append(Step(line, reply.rstrip("\n")))
            self._send(reply.encode("utf-8"))
            if close:
                return

    # -- answering ---------------------------------------------------------------------
    def _answer(self, number: int, line: str) -> tuple[str, bool]:
        """The bytes Asterisk sends for command ``number``, and whether it then closes."""
        args = parse_args(line)
        found = lookup(args)
        if found is None:
            return R510 + "\n", False
        verb, (least, most, dead_ok, plays, usage) = found
        if not least <= len(args) <= most or not self._valid(verb, args):
            if self.close_in_usage:
                return f"{USAGE_START}\n Usage: {usage}\n", True
            return f"{USAGE_START}\n Usage: {usage}\n Check the arguments.\n{USAGE_END}\n", False
        before = after = ""
        key = self._take_key(verb, args) if not self.t.hung_up else None
        hangs_up = number == self.hangup_at or (key is not None and key.hangup)
        if key is not None and key.after:
            time.sleep(key.after)
        if hangs_up and not self.t.hung_up:
            if plays:
                reply = self._hangup_reply(verb, args)
                if self.hangup_line_first:
                    before = self._caller_hangs_up()
                else:
                    after = self._caller_hangs_up()
                return before + reply + after, False
            before = self._caller_hangs_up()
        if self.t.hung_up and not dead_ok:
            reply = R511
        else:
            reply = self._run(verb, args, key or SILENCE)
            if verb == ("HANGUP",) and len(args) == 1:  # the server hung up: the channel
                after = self._caller_hangs_up()         # is dead, and Asterisk says so
        if number == self.hangup_after and not self.t.hung_up:
            after = self._caller_hangs_up()
        return before + reply + "\n" + after, False

    def _valid(self, verb: tuple[str, ...], args: Sequence[str]) -> bool:
        numeric = {("WAIT", "FOR", "DIGIT"): 3, ("SAY", "NUMBER"): 2, ("RECORD", "FILE"): 5}
        position = numeric.get(verb)
        if position is not None and not _is_int(args[position]):
            return False
        if verb == ("GET", "DATA") and any(not _is_int(a) for a in args[3:]):
            return False
        return True

    def _take_key(self, verb: tuple[str, ...], args: Sequence[str]) -> Press | None:
        """The caller's next key entry, if this command hears it. A plain entry answers
        the next question (GET DATA, WAIT FOR DIGIT, RECORD FILE); one pressed ``during``
        a sound goes to the next command that plays one, and interrupts it only when it is
        among the command's escape digits: otherwise it is lost."""
        collects = verb in {("GET", "DATA"), ("WAIT", "FOR", "DIGIT"), ("RECORD", "FILE")}
        sounds = verb in {("STREAM", "FILE"), ("SAY", "DIGITS"), ("SAY", "NUMBER")}
        if verb == ("STREAM", "FILE") or verb == ("GET", "DATA"):
            if not self._exists(args[2]):
                return None
        head = self.keys[0] if self.keys else None
        if head is not None and head.during and (sounds or collects):
            self.keys.pop(0)
            if sounds and not head.hangup and not (head.digits[:1] and head.digits[:1] in args[3]):
                if head.digits:
                    self.t.lost_keys.append(head.digits)
                return SILENCE   # ">" alone: this sound plays through
            return head
        if collects:
            return self.keys.pop(0) if self.keys else SILENCE
        return None

    def _run(self, verb: tuple[str, ...], args: Sequence[str], key: Press) -> str:
        name = "_cmd_" + "_".join(verb).lower()
        return getattr(self, name)(args, key)

    def _cmd_answer(self, args: Sequence[str], key: Press) -> str:
        return "200 result=0"

    def _cmd_noop(self, args: Sequence[str], key: Press) -> str:
        return "200 result=0"

    def _cmd_stream_file(self, args: Sequence[str], key: Press) -> str:
        if not self._exists(args[2]):
            self.t.agistatus = "FAILURE"
            return "200 result=-1 endpos=0"
        self.t.heard.append(args[2])
        digit = key.digits[:1]
        if digit and digit in args[3]:
            return f"200 result={ord(digit)} endpos={ENDPOS_CUT}"
        return f"200 result=0 endpos={ENDPOS_FULL}"

    def _cmd_get_data(self, args: Sequence[str], key: Press) -> str:
        if not self._exists(args[2]):
            self.t.agistatus = "FAILURE"
            return "200 result=-1"
        self.t.heard.append(args[2])
        most = int(args[4]) if len(args) > 4 else 1024
        typed = key.digits
        if "#" in typed:
            digits = typed[:typed.index("#")][:most]
            return f"200 result={digits}"
        if len(typed) >= most:
            return f"200 result={typed[:most]}"
        return f"200 result={typed} (timeout)"

    def _cmd_wait_for_digit(self, args: Sequence[str], key: Press) -> str:
        digit = key.digits[:1]
        return f"200 result={ord(digit) if digit else 0}"

    def _cmd_say_digits(self, args: Sequence[str], key: Press) -> str:
        self.t.heard.append(f"digits:{args[2]}")
        return self._escaped(args[3], key)

    def _cmd_say_number(self, args: Sequence[str], key: Press) -> str:
        self.t.heard.append(f"number:{int(args[2])}")
        return self._escaped(args[3], key)

    def _escaped(self, escape: str, key: Press) -> str:
        digit = key.digits[:1]
        return f"200 result={ord(digit) if digit and digit in escape else 0}"

    def _cmd_record_file(self, args: Sequence[str], key: Press) -> str:
        endpos = self._write_recording(args[2], args[3])
        if endpos is None:
            return "200 result=-1 (writefile)"
        digit = key.digits[:1]
        if digit and digit in args[4]:
            return f"200 result={ord(digit)} (dtmf) endpos={endpos}"
        return f"200 result=0 (timeout) endpos={endpos}"

    def _write_recording(self, name: str, fmt: str) -> int | None:
        """Asterisk's ``ast_writefile``: ``<name>.<fmt>``, the name as given; ``None`` when
        the file cannot be created. Returns the samples written."""
        samples = int(self.record_seconds * 8000)
        path = f"{name}.{fmt}"
        if os.path.isabs(name):
            if not os.path.isdir(os.path.dirname(path)):
                return None
            with wave.open(path, "wb") as audio:
                audio.setnchannels(1)
                audio.setsampwidth(2)
                audio.setframerate(8000)
                audio.writeframes(b"\0\0" * samples)
        self.t.recordings.append(path)
        return samples

    def _cmd_get_variable(self, args: Sequence[str], key: Press) -> str:
        value = self.t.variables.get(args[2])
        return "200 result=0" if value is None else f"200 result=1 ({value})"

    def _cmd_set_variable(self, args: Sequence[str], key: Press) -> str:
        self.t.variables[args[2]] = args[3]
        return "200 result=1"

    def _cmd_verbose(self, args: Sequence[str], key: Press) -> str:
        return "200 result=1"

    def _cmd_exec(self, args: Sequence[str], key: Press) -> str:
        application = args[1]
        self.t.executed.append(application)
        if application.lower() not in self.applications:
            return "200 result=-2"
        return "200 result=-1" if self.t.hung_up else "200 result=0"

    def _cmd_hangup(self, args: Sequence[str], key: Press) -> str:
        return "200 result=1"

    def _cmd_channel_status(self, args: Sequence[str], key: Press) -> str:
        return "200 result=6"

    def _hangup_reply(self, verb: tuple[str, ...], args: Sequence[str]) -> str:
        if verb == ("STREAM", "FILE"):
            return f"200 result=-1 endpos={ENDPOS_CUT}\n"
        if verb == ("RECORD", "FILE"):  # what was said before the hangup is kept
            endpos = self._write_recording(args[2], args[3])
            if endpos is None:
                return "200 result=-1 (writefile)\n"
            return f"200 result=-1 (hangup) endpos={endpos}\n"
        return "200 result=-1\n"

    def _caller_hangs_up(self) -> str:
        self.t.hung_up = True
        return "HANGUP\n"

    def _exists(self, sound: str) -> bool:
        if sound in self.missing:
            return False
        return self.sounds is None or sound in self.sounds

    # -- the wire ----------------------------------------------------------------------
    def _send(self, data: bytes | str) -> None:
        if isinstance(data, str):
            data = data.encode("utf-8")
        if not data:
            return
        try:
            assert self.sock is not None
            self.sock.sendall(data)
        except OSError as exc:
            self._fail(f"the server closed while Asterisk was answering: {exc}")
        self.last_sent = time.monotonic()

    def _send_quietly(self, data: bytes) -> None:
        try:
            assert self.sock is not None
            self.sock.sendall(data)
        except OSError:
            pass

    def _next_line(self) -> str | None:
        """The next command line; None at EOF; "" when the server stayed silent."""
        assert self.sock is not None
        end = time.monotonic() + self.patience
        while b"\n" not in self.buffer:
            left = end - time.monotonic()
            if left <= 0:
                return ""
            try:
                self.sock.settimeout(left)
                data = self.sock.recv(65536)
            except socket.timeout:
                return ""
            except OSError:
                return None
            if not data:
                return None
            self.buffer += data
        raw, _, rest = bytes(self.buffer).partition(b"\n")
        self.buffer = bytearray(rest)
        try:
            return raw.decode("utf-8").rstrip("\r")
        except UnicodeDecodeError:
            self._fail(f"a command that is not UTF-8: {raw[:40]!r}")
            return raw.decode("utf-8", "replace")

    def _more_waiting(self) -> bool:
        """Bytes already here after one command, before any reply: pipelining (EOF is not)."""
        assert self.sock is not None
        if self.buffer:
            return True
        readable, _, _ = select.select([self.sock], [], [], 0)
        if not readable:
            return False
        try:
            return bool(self.sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT))
        except OSError:
            return False

    def _fail(self, message: str) -> None:
        self.t.failures.append(message)


def _is_int(text: str) -> bool:
    try:
        int(text)
    except ValueError:
        return False
    return True


def run_call(address: tuple[str, int], script: str = "ivr", **options: Any) -> Transcript:
    """One emulated call against a FastAGI server; see :class:`FakeAsterisk` for options."""
    return FakeAsterisk(address, script, **options).run()


# -- clients that misbehave -------------------------------------------------------------
@dataclass
class Dropped:
    """What a misbehaving client saw: whether the server closed within the wait, and
    what it sent meanwhile."""

    closed: bool
    received: bytes


def _await_close(sock: socket.socket, wait: float) -> Dropped:
    received = bytearray()
    end = time.monotonic() + wait
    while True:
        left = end - time.monotonic()
        if left <= 0:
            return Dropped(False, bytes(received))
        try:
            sock.settimeout(left)
            data = sock.recv(65536)
        except socket.timeout:
            return Dropped(False, bytes(received))
        except OSError:
            return Dropped(True, bytes(received))
        if not data:
            return Dropped(True, bytes(received))
        received += data


def send_garbage(address: tuple[str, int], data: bytes = b"GET / HTTP/1.1\r\nHost: agi\r\n\r\n",
                 wait: float = 10.0) -> Dropped:
    """Something that is not AGI (here: an HTTP request)."""
    with socket.create_connection(address, timeout=wait) as sock:
        sock.sendall(data)
        return _await_close(sock, wait)


def send_partial_environment(address: tuple[str, int], lines: int = 6, then_close: bool = False,
                             wait: float = 10.0) -> Dropped:
    """The first ``lines`` environment lines, no blank line; then silence (or a close of
    our sending side)."""
    env = asterisk_env(address)[:lines]
    with socket.create_connection(address, timeout=wait) as sock:
        sock.sendall("".join(f"{k}: {v}\n" for k, v in env).encode("utf-8"))
        if then_close:
            sock.shutdown(socket.SHUT_WR)
        return _await_close(sock, wait)


def stay_silent(address: tuple[str, int], wait: float = 10.0) -> Dropped:
    """Connect and say nothing."""
    with socket.create_connection(address, timeout=wait) as sock:
        return _await_close(sock, wait)


# -- our server, for a test --------------------------------------------------------------
#: Short limits so that a test that goes wrong fails in seconds, not minutes.
TEST_SETTINGS = {"max_calls": 500, "command_timeout": 5.0, "call_deadline": 120.0,
                 "stop_grace": 2.0}


#: How long :meth:`RunningAGIServer.call` waits for the server to write the call's record.
CALL_END_WAIT = 10.0


class RunningAGIServer:
    """PostLine's FastAGI server on a free loopback port, accepting in a thread."""

    def __init__(self, handler: Callable[[Any], None], **settings: Any) -> None:
        from app.ivr.agi.server import AGISettings, start_server

        self.settings = AGISettings(**{**TEST_SETTINGS, **settings})
        self.server, self.thread = start_server(("127.0.0.1", 0), handler, self.settings)
        self.stopped = False

    @property
    def address(self) -> tuple[str, int]:
        host, port = self.server.server_address[:2]
        return str(host), int(port)

    def call(self, script: str = "ivr", **options: Any) -> Transcript:
        """:func:`run_call` against this server, returning once the server has also
        finished with the call (Asterisk is let go first, the call record is written after),
        so that the test can read what the call left in the database."""
        transcript = run_call(self.address, script, **options)
        self.server.wait_for_call(dict(transcript.env).get("agi_uniqueid", ""), CALL_END_WAIT)
        return transcript

    def stop(self, grace: float | None = None) -> None:
        if not self.stopped:
            self.stopped = True
            self.server.stop(grace)
            self.thread.join(timeout=5)


def start_agi_server(handler: Callable[[Any], None] | None = None, *, app: Any = None,
                     **settings: Any) -> RunningAGIServer:
    """Our server with ``handler(channel)``, or with the real engine for ``app``
    (:func:`app.ivr.commands.build_handler`); ``settings`` override :data:`TEST_SETTINGS`."""
    from app.ivr.agi.server import hand_to_agent
    from app.ivr.commands import build_handler

    if handler is None:
        handler = build_handler(app) if app is not None else hand_to_agent
    return RunningAGIServer(handler, **settings)


class AsteriskEmulator:
    """The ``fake_asterisk`` fixture: the emulator's entry points in one object."""

    Press = Press
    SILENCE = SILENCE
    HANGUP = HANGUP

    def call(self, address: tuple[str, int], script: str = "ivr", **options: Any) -> Transcript:
        return run_call(address, script, **options)

    def garbage(self, address: tuple[str, int], **options: Any) -> Dropped:
        return send_garbage(address, **options)

    def partial_environment(self, address: tuple[str, int], **options: Any) -> Dropped:
        return send_partial_environment(address, **options)

    def silent(self, address: tuple[str, int], **options: Any) -> Dropped:
        return stay_silent(address, **options)
