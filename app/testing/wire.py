"""Both ends of a FastAGI conversation for protocol tests: :class:`Wire`, a channel over one
end of a socket pair with the test playing Asterisk on the other end line by line (replies
can be queued before the command is sent: no threads, no timing); :class:`RawServer`, a bare
listening socket, for testing a client (the emulator) against a server the test scripts by
hand; :func:`in_thread` for the side that must wait."""
from __future__ import annotations

import socket
import threading
from collections.abc import Callable
from typing import Any

from app.ivr.agi.channel import AGIChannel
from app.testing.asterisk import asterisk_env, env_block

WAIT = 10.0  # bounded waits for a peer that should answer at once


class Peer:
    """The far end of a socket: what the test sends and reads as the other party."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.sock.settimeout(WAIT)
        self.buffer = b""

    def send(self, text: str | bytes) -> None:
        self.sock.sendall(text.encode("utf-8") if isinstance(text, str) else text)

    def line(self) -> str:
        """The next line the other side wrote ("" at EOF)."""
        while b"\n" not in self.buffer:
            data = self.sock.recv(65536)
            if not data:
                rest, self.buffer = self.buffer, b""
                return rest.decode("utf-8")
            self.buffer += data
        raw, _, self.buffer = self.buffer.partition(b"\n")
        return raw.decode("utf-8")

    def rest(self) -> bytes:
        """Everything until the other side closes."""
        data = self.buffer
        while chunk := self.sock.recv(65536):
            data += chunk
        self.buffer = b""
        return data

    def close(self) -> None:
        self.sock.close()


class Wire:
    def __init__(self) -> None:
        ours, theirs = socket.socketpair()
        self.asterisk = Peer(theirs)
        self.channel = AGIChannel(ours, command_timeout=WAIT)
        self._ours = ours

    def start(self, **overrides: str | None) -> AGIChannel:
        """Send a full environment and let the channel read it."""
        self.asterisk.send(env_block(asterisk_env(script="ivr?line=11185", overrides=overrides)))
        self.channel.read_environment()
        return self.channel

    def command(self) -> str:
        return self.asterisk.line()

    def close(self) -> None:
        self.asterisk.close()
        self._ours.close()


class RawServer:
    """A listening socket; :meth:`accept` gives the test the server side of one call."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(WAIT)

    @property
    def address(self) -> tuple[str, int]:
        host, port = self.listener.getsockname()[:2]
        return host, port

    def accept(self) -> Peer:
        sock, _ = self.listener.accept()
        return Peer(sock)

    def env(self, peer: Peer) -> list[str]:
        """The environment lines up to (not including) the blank line."""
        lines = []
        while line := peer.line():
            lines.append(line)
        return lines


def in_thread(target: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[threading.Thread, dict[str, Any]]:
    """Run ``target`` in a thread; its result (or exception) lands in the returned dict."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["result"] = target(*args, **kwargs)
        except BaseException as exc:  # handed to the test
            box["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, box
