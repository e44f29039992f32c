"""An Asterisk Manager Interface emulator for tests: the server side of AMI, over a real
TCP socket, so that the worker's real client (pyst2's ``asterisk.manager`` in
:mod:`app.cti.ami`) is tested as it talks to Asterisk::

    server = AmiEmulator(secret="s3cret").start()
    ...                                      # the worker logs in to server.port
    server.emit("AgentConnect", Queue="11185", Interface="PJSIP/8001")
    server.wait_for(lambda: server.actions_named("QueuePause"))

What it does, as Asterisk 22 (AMI 11.0.0) does it:

- on connect, the banner ``Asterisk Call Manager/11.0.0`` (CRLF);
- reads ``Key: Value`` lines (CRLF, a lone LF is accepted too) in blocks ended by an
  empty line; a header sent twice (``Variable``) is kept as a list;
- every Response echoes the action's ``ActionID``;
- ``Login`` with the right ``Username``/``Secret``: ``Response: Success`` with
  ``Message: Authentication accepted``, then ``Event: FullyBooted``; a wrong one:
  ``Response: Error`` with ``Message: Authentication failed``, and the connection is closed;
  before login every other action is refused (``Permission denied``);
- events are on after login unless the Login said ``Events: off``; the ``Events`` action
  (``EventMask: on``/``off``/a class list) switches them;
- ``Ping`` → ``Ping: Pong``; ``Logoff`` → ``Response: Goodbye``, then the connection closes;
- any other action is recorded (:attr:`actions`, read with :meth:`actions_named`) and
  answered ``Response: Success``, or as :meth:`respond` set for that action name (an
  error, extra headers, or no answer at all).

The test drives it: :meth:`emit` sends an event block to every logged-in client with
events on; :meth:`drop` closes the clients' connections (``mid_event=True``: after half an
event block, as when Asterisk dies while writing); :meth:`stop` and :meth:`start` restart
it on the same port (Asterisk restarted). Everything is thread-safe."""
from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from typing import Any

BANNER = "Asterisk Call Manager/11.0.0\r\n"
WAIT = 10.0  # bounded waits: a client that should answer at once
#: What :meth:`AmiEmulator.drop` writes with ``mid_event=True`` before closing: no empty line.
HALF_EVENT = "Event: AgentConnect\r\nPrivilege: agent,all\r\nQueue: 11185\r\nInterf"

Headers = dict[str, Any]


def block(headers: Headers) -> bytes:
    """One AMI message: ``Key: Value`` lines and the empty line that ends it."""
    lines = []
    for key, value in headers.items():
        for item in value if isinstance(value, list) else [value]:
            lines.append(f"{key}: {item}\r\n")
    return ("".join(lines) + "\r\n").encode("utf-8")


class Client:
    """One connection to the emulator: its socket (writes serialised) and its login."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.lock = threading.Lock()
        self.logged_in = False
        self.events_on = False
        self.username = ""

    def write(self, data: bytes | str) -> bool:
        raw = data.encode("utf-8") if isinstance(data, str) else data
        with self.lock:
            try:
                self.sock.sendall(raw)
                return True
            except OSError:
                return False

    def close(self) -> None:
        with self.lock:
            try:
                self.sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self.sock.close()

    def messages(self) -> Any:
        """The client's messages, one headers dict each, until it closes."""
        buffer = b""
        current: Headers = {}
        while True:
            try:
                data = self.sock.recv(65536)
            except OSError:
                return
            if not data:
                return
            buffer += data
            while b"\n" in buffer:
                raw, _, buffer = buffer.partition(b"\n")
                line = raw.decode("utf-8", "replace").rstrip("\r")
                if line == "":
                    if current:
                        yield current
                        current = {}
                    continue
                key, _, value = line.partition(":")
                key, value = key.strip(), value.strip()
                if key in current:
                    previous = current[key]
                    current[key] = (previous if isinstance(previous, list) else [previous]) + [value]
                else:
                    current[key] = value


class AmiEmulator:
    """A fake Asterisk's manager port. ``port=0`` picks a free port on :meth:`start`;
    later starts reuse it."""

    def __init__(self, username: str = "postline", secret: str = "s3cret", host: str = "127.0.0.1",
                 port: int = 0) -> None:
        self.username = username
        self.secret = secret
        self.host = host
        self.port = port
        self._lock = threading.Lock()
        self._clients: list[Client] = []
        self._threads: list[threading.Thread] = []
        self._listener: socket.socket | None = None
        self._answers: dict[str, Headers | None] = {}
        #: Every action received after login (Login, Logoff, Ping and Events included), in order.
        self._actions: list[Headers] = []
        self.logins = 0  # successful logins, over the emulator's whole life
        self.refused_logins = 0
        self.connections = 0

    # -- running -------------------------------------------------------------------------

    def start(self) -> AmiEmulator:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((self.host, self.port))
        listener.listen(16)
        self.port = listener.getsockname()[1]
        self._listener = listener
        self._spawn(self._accept_loop, listener)
        return self

    def stop(self) -> None:
        """Stop listening and close every connection (Asterisk stopped)."""
        listener, self._listener = self._listener, None
        if listener is not None:
            try:
                listener.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            listener.close()
        self.drop()
        for thread in list(self._threads):
            thread.join(WAIT)
        self._threads = [t for t in self._threads if t.is_alive()]

    @property
    def address(self) -> tuple[str, int]:
        return self.host, self.port

    def _spawn(self, target: Callable[..., None], *args: Any) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True, name="ami-emulator")
        self._threads.append(thread)
        thread.start()

    def _accept_loop(self, listener: socket.socket) -> None:
        while True:
            try:
                sock, _ = listener.accept()
            except OSError:
                return  # stopped
            client = Client(sock)
            with self._lock:
                self._clients.append(client)
                self.connections += 1
            self._spawn(self._serve, client)

    def _serve(self, client: Client) -> None:
        client.write(BANNER)
        try:
            for message in client.messages():
                if not self._answer(client, message):
                    break
        finally:
            with self._lock:
                if client in self._clients:
                    self._clients.remove(client)
            client.close()

    # -- the protocol ---------------------------------------------------------------------

    def _answer(self, client: Client, message: Headers) -> bool:
        """Answer one action; False when the connection is to close."""
        action = str(message.get("Action", ""))
        name = action.lower()
        reply: Headers = {"ActionID": message["ActionID"]} if "ActionID" in message else {}
        if name == "login":
            return self._login(client, message, reply)
        if name == "logoff":
            self._record(message)
            client.write(block({"Response": "Goodbye", **reply, "Message": "Thanks for all the fish."}))
            return False
        if not client.logged_in:
            client.write(block({"Response": "Error", **reply, "Message": "Permission denied"}))
            return True
        self._record(message)
        if name == "ping":
            client.write(block({"Response": "Success", **reply, "Ping": "Pong",
                                "Timestamp": f"{time.time():.6f}"}))
        elif name == "events":
            client.events_on = str(message.get("EventMask", "on")).lower() != "off"
            client.write(block({"Response": "Success", **reply, "Events": "On" if client.events_on else "Off"}))
        else:
            with self._lock:
                answer = self._answers.get(name, {"Response": "Success", "Message": f"{action} done"})
            if answer is not None:
                client.write(block({"Response": answer.get("Response", "Success"), **reply,
                                    **{k: v for k, v in answer.items() if k != "Response"}}))
        return True

    def _login(self, client: Client, message: Headers, reply: Headers) -> bool:
        if message.get("Username") != self.username or message.get("Secret") != self.secret:
            with self._lock:
                self.refused_logins += 1
            client.write(block({"Response": "Error", **reply, "Message": "Authentication failed"}))
            return False  # Asterisk hangs up on a failed login
        client.logged_in, client.username = True, str(message["Username"])
        client.events_on = str(message.get("Events", "on")).lower() != "off"
        self._record(message)
        with self._lock:
            self.logins += 1
        client.write(block({"Response": "Success", **reply, "Message": "Authentication accepted"}))
        if client.events_on:
            client.write(block({"Event": "FullyBooted", "Privilege": "system,all", "Uptime": "12",
                                "LastReload": "12", "Status": "Fully Booted"}))
        return True

    def _record(self, message: Headers) -> None:
        with self._lock:
            self._actions.append(dict(message))

    # -- what a test does -----------------------------------------------------------------

    def respond(self, action: str, response: str | None = "Success", **headers: str) -> None:
        """How to answer ``action`` from now on: ``respond("QueuePause", "Error",
        Message="Interface not found")``; ``respond("Originate", None)``: no answer at all."""
        with self._lock:
            self._answers[action.lower()] = None if response is None else {"Response": response, **headers}

    def fail(self, action: str, message: str) -> None:
        self.respond(action, "Error", Message=message)

    @property
    def actions(self) -> list[Headers]:
        with self._lock:
            return list(self._actions)

    def actions_named(self, action: str) -> list[Headers]:
        return [a for a in self.actions if str(a.get("Action", "")).lower() == action.lower()]

    def clients(self) -> list[Client]:
        with self._lock:
            return list(self._clients)

    def listening_clients(self) -> list[Client]:
        return [c for c in self.clients() if c.logged_in and c.events_on]

    def emit(self, event: str, **headers: str) -> int:
        """Send the event to every logged-in client with events on; how many it reached."""
        data = block({"Event": event, **headers})
        return sum(client.write(data) for client in self.listening_clients())

    def drop(self, mid_event: bool = False) -> None:
        """Close every client connection; ``mid_event``: after half an event block."""
        for client in self.clients():
            if mid_event and client.logged_in:
                client.write(HALF_EVENT)
            client.close()

    def wait_for(self, condition: Callable[[], Any], timeout: float = WAIT) -> Any:
        """Poll ``condition`` until it is true (returned) or ``timeout`` (AssertionError)."""
        deadline = time.monotonic() + timeout
        while True:
            result = condition()
            if result:
                return result
            if time.monotonic() > deadline:
                raise AssertionError(f"still waiting after {timeout} s for {condition}")
            time.sleep(0.01)
