"""The socket under one FastAGI call: lines in (decoded as Asterisk sends them, with the
deadlines the channel sets, unsolicited ``HANGUP`` lines swallowed), text out (UTF-8,
written through), and a sink for pyst2's diagnostics. See ``docs/agi.md``."""
from __future__ import annotations

import select
import socket
import time
from typing import Any

from app.ivr.agi.errors import AGIProtocolError, CallDeadline, ConnectionLost

DEFAULT_COMMAND_TIMEOUT = 60.0   # seconds a reply may take beyond the command's own timeout
MAX_LINE_BYTES = 16384           # Asterisk's lines are short; more is garbage


def decode_line(raw: bytes) -> str:
    """UTF-8 as Asterisk sends it; GB18030 (a superset of GBK) for a caller name from an
    old trunk; replacement characters rather than an exception for anything else."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        try:
            return raw.decode("gb18030")
        except UnicodeDecodeError:
            return raw.decode("utf-8", "replace")


class DropSink:
    """pyst2 writes diagnostics (caller numbers, digits typed) to ``self.stderr``:
    they go nowhere; we log masked copies ourselves."""

    def write(self, _text: str) -> int:
        return 0

    def flush(self) -> None:
        pass


class SocketWriter:
    """UTF-8 straight to the socket: every write is sent at once (write-through)."""

    def __init__(self, sock: socket.socket, timeout: float) -> None:
        self.sock = sock
        self.timeout = timeout

    def write(self, text: str) -> int:
        data = text.encode("utf-8")
        try:
            self.sock.settimeout(self.timeout)
            self.sock.sendall(data)
        except OSError as exc:  # broken pipe, reset, send timeout, socket closed
            raise ConnectionLost(f"cannot write to Asterisk: {exc}") from exc
        return len(text)

    def flush(self) -> None:
        pass


class LineReader:
    """Lines from the socket, with the deadlines the channel sets. ``readline`` (what
    pyst2 calls) swallows unsolicited ``HANGUP`` lines and reports them through
    ``on_hangup``; it never returns "" at EOF: it raises :class:`ConnectionLost`."""

    def __init__(self, sock: socket.socket, on_hangup: Any, on_line: Any = None) -> None:
        self.sock = sock
        self.on_hangup = on_hangup
        self.on_line = on_line
        self.last_line = ""
        self.buffer = bytearray()
        self.wait_end = time.monotonic() + DEFAULT_COMMAND_TIMEOUT
        self.deadline: float | None = None
        self.eof = False

    def expect_within(self, seconds: float) -> None:
        """The next reply (all its lines) must arrive within ``seconds``."""
        self.wait_end = time.monotonic() + seconds

    def readline(self) -> str:
        while True:
            line = self.read_raw_line()
            if line.strip() == "HANGUP":
                self.on_hangup()
                continue
            self.last_line = line
            if self.on_line is not None:
                self.on_line(line)
            return line

    def read_raw_line(self) -> str:
        while True:
            end = self.buffer.find(b"\n")
            if end >= 0:
                raw = bytes(self.buffer[:end])
                del self.buffer[:end + 1]
                return decode_line(raw).rstrip("\r")
            if len(self.buffer) > MAX_LINE_BYTES:
                raise AGIProtocolError(f"a line of more than {MAX_LINE_BYTES} bytes")
            self._fill(self._seconds_left())

    def poll_hangup(self, wait: float) -> bool:
        """True when a ``HANGUP`` line (consumed here) or EOF arrives within ``wait``
        seconds while no reply is due; any other line is left for the next reader."""
        end = time.monotonic() + wait
        while True:
            newline = self.buffer.find(b"\n")
            if newline >= 0:
                if bytes(self.buffer[:newline]).strip() == b"HANGUP":
                    del self.buffer[:newline + 1]
                    self.on_hangup()
                    return True
                return False
            left = end - time.monotonic()
            if left <= 0:
                return False
            try:
                readable, _, _ = select.select([self.sock], [], [], left)
            except (OSError, ValueError):
                return True
            if readable:
                try:
                    self._fill(left)
                except ConnectionLost:
                    return True

    def _seconds_left(self) -> float:
        now = time.monotonic()
        left = self.wait_end - now
        if self.deadline is not None and self.deadline - now < left:
            if self.deadline - now <= 0:
                raise CallDeadline("the call reached its deadline")
            return self.deadline - now
        if left <= 0:
            raise ConnectionLost("no reply from Asterisk in time")
        return left

    def _fill(self, timeout: float) -> None:
        if self.eof:
            raise ConnectionLost("Asterisk closed the connection")
        try:
            self.sock.settimeout(timeout)
            data = self.sock.recv(65536)
        except socket.timeout as exc:
            if self.deadline is not None and time.monotonic() >= self.deadline:
                raise CallDeadline("the call reached its deadline") from exc
            raise ConnectionLost(f"no reply from Asterisk within {timeout:.1f} s") from exc
        except OSError as exc:
            raise ConnectionLost(f"cannot read from Asterisk: {exc}") from exc
        if not data:
            self.eof = True
            raise ConnectionLost("Asterisk closed the connection")
        self.buffer += data
