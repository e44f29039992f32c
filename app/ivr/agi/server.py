"""The FastAGI server (the ``agi`` role): one thread per call, built for what Asterisk does
to a server (``docs/agi.md``, "What a server must stand").

- Asterisk gives up connecting after 2 s: a deep backlog (``request_queue_size``) and an
  accept loop that only starts threads.
- At most ``AGI_MAX_CALLS`` calls at once; one more is answered
  ``SET VARIABLE POSTLINE_STATUS "BUSY"`` + ``failure`` and closed: the dialplan queues
  it for an agent instead of the caller hearing silence.
- A connection is a call only once it has sent its environment, which it must do within
  ``AGI_ENV_TIMEOUT`` s: idle connections (a port scanner, a load balancer's health check,
  a half-open socket) never take a call's slot and are closed soon.
- Asterisk waits for us with no timeout: every reply is awaited at most
  ``AGI_COMMAND_TIMEOUT`` s (plus the command's own timeout), every call at most
  ``AGI_CALL_DEADLINE`` s, and the socket is closed whatever happens, right after the
  handler returns.
- A failure in our code never drops the caller: ``POSTLINE_STATUS=ERROR`` (the dialplan
  queues the call), the traceback in our log, never over VERBOSE.
- SIGTERM: stop accepting; calls in progress get ``AGI_STOP_GRACE`` s to finish, then each
  is handed to an agent at its next command; a call stuck in a long command is cut.

Routing (``agi_network_script``, its query) is the engine's job: the server only gives the
handler an :class:`~app.ivr.agi.channel.AGIChannel` whose ``info`` is read. Nothing here
knows Flask or the database: ``postline agi`` (:mod:`app.ivr.commands`) gives it the
engine as the handler."""
from __future__ import annotations

import logging
import signal
import socket
import socketserver
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from app.ivr.agi.channel import AGIChannel
from app.ivr.calllog import current_uniqueid
from app.ivr.channel import Hangup
from app.ivr.handover import BUSY, ERROR, Handover, hand_over

log = logging.getLogger("postline.agi")

Handler = Callable[[AGIChannel], None]

#: How long a call that was asked to hand over (at shutdown) may take to reach its next
#: command before its connection is cut.
HANDOVER_WAIT_SECONDS = 5.0
#: Connections that are not (yet) calls: still to send their environment, or being told
#: BUSY. Each has a thread; past this many at once a new connection is closed without a
#: word (POSTLINE_STATUS stays unset: not OK, so the dialplan still hands it to an agent).
MAX_UNCOUNTED = 1000


@dataclass(frozen=True)
class AGISettings:
    """The server's limits; :meth:`from_config` reads ``AGI_*`` from the app config."""

    max_calls: int = 500
    command_timeout: float = 60.0
    call_deadline: float = 1800.0
    stop_grace: float = 30.0
    env_timeout: float = 5.0

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> AGISettings:
        return cls(max_calls=int(config.get("AGI_MAX_CALLS", cls.max_calls)),
                   command_timeout=float(config.get("AGI_COMMAND_TIMEOUT", cls.command_timeout)),
                   call_deadline=float(config.get("AGI_CALL_DEADLINE", cls.call_deadline)),
                   stop_grace=float(config.get("AGI_STOP_GRACE", cls.stop_grace)),
                   env_timeout=float(config.get("AGI_ENV_TIMEOUT", cls.env_timeout)))


class AGIServer(socketserver.ThreadingTCPServer):
    """Accepts FastAGI connections and runs ``handler(channel)`` in a thread per call."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 512  # docs/agi.md: >= 128; the kernel caps it at somaxconn

    def __init__(self, address: tuple[str, int], handler: Handler,
                 settings: AGISettings | None = None) -> None:
        super().__init__(address, socketserver.BaseRequestHandler)
        self.handler = handler
        self.settings = settings or AGISettings()
        self.calls: set[AGIChannel] = set()
        self._lock = threading.Condition()
        self._slots = threading.BoundedSemaphore(self.settings.max_calls)
        self._uncounted = threading.BoundedSemaphore(MAX_UNCOUNTED)
        self._call_threads: set[threading.Thread] = set()
        self.serving = threading.Event()
        self._stopping = threading.Event()

    @property
    def active_calls(self) -> int:
        with self._lock:
            return len(self._call_threads)

    def serve_forever(self, poll_interval: float = 0.5) -> None:
        self.serving.set()
        super().serve_forever(poll_interval)

    # -- per connection --------------------------------------------------------------
    def process_request(self, request: Any, client_address: Any) -> None:
        """In the accept loop: only start the connection's thread."""
        if not self._uncounted.acquire(blocking=False):
            log.warning("closed a connection without a word: %d connections are waiting for "
                        "their environment or being refused", MAX_UNCOUNTED)
            self.shutdown_request(request)
            return
        thread = threading.Thread(target=self._serve_connection, args=(request,), daemon=True,
                                  name="agi-connection")
        try:
            thread.start()
        except RuntimeError:  # no more threads: the OS said no
            log.error("cannot start a thread for a connection; closing it")
            self._uncounted.release()
            self.shutdown_request(request)

    def _serve_connection(self, request: socket.socket) -> None:
        """The environment first (within ``env_timeout``); then a call if a slot is free,
        else a refusal. The connection's uncounted place is given back exactly once."""
        uncounted = True
        try:
            settings = self.settings
            channel = AGIChannel(request, command_timeout=settings.command_timeout,
                                 deadline=time.monotonic() + settings.call_deadline)
            try:
                channel.read_environment(timeout=settings.env_timeout)
            except Hangup as exc:
                log.warning("dropped a connection that sent no valid AGI environment: %s", exc)
                return
            if not self._stopping.is_set() and self._slots.acquire(blocking=False):
                self._uncounted.release()
                uncounted = False
                self._serve_call(channel)
            else:
                self._refuse_call(channel)
        except Exception:  # nothing may escape a connection thread unlogged
            log.exception("unexpected error around a call")
        finally:
            self.shutdown_request(request)
            if uncounted:
                self._uncounted.release()

    def _serve_call(self, channel: AGIChannel) -> None:
        """One call in its slot (taken by the caller of this method, given back here)."""
        thread = threading.current_thread()
        with self._lock:
            self._call_threads.add(thread)
            self.calls.add(channel)
        token = current_uniqueid.set(channel.info.uniqueid or "-")
        try:
            channel.log.info("call %s script=%s", channel.info.uniqueid,
                             channel.env.get("agi_network_script", ""))
            self._call_handler(channel)
        finally:
            current_uniqueid.reset(token)
            with self._lock:
                self.calls.discard(channel)
                self._call_threads.discard(thread)
                self._lock.notify_all()
            self._slots.release()

    def _call_handler(self, channel: AGIChannel) -> None:
        try:
            self.handler(channel)
        except Hangup as exc:
            channel.log.info("call ended: %s", exc or type(exc).__name__)
        except Exception:
            # Our bug: the traceback stays in our log; the caller goes to an agent.
            channel.log.exception("the call failed; handing the caller to an agent")
            channel.fail_safe(ERROR)
        else:
            channel.log.debug("call done")

    def _refuse_call(self, channel: AGIChannel) -> None:
        why = "stopping" if self._stopping.is_set() else (
            f"{self.settings.max_calls} calls in progress (AGI_MAX_CALLS)")
        log.warning("refused call %s: %s", channel.info.uniqueid, why)
        try:
            if channel.fail_safe(BUSY):
                channel.send_failure()
        except Hangup as exc:
            log.warning("dropped a connection over the call limit: %s", exc)

    # -- stopping --------------------------------------------------------------------
    def stop(self, grace: float | None = None, hurry: threading.Event | None = None) -> None:
        """Stop accepting, let calls in progress finish within ``grace`` seconds (less if
        ``hurry`` is set: a second Ctrl-C), then hand the rest to agents."""
        grace = self.settings.stop_grace if grace is None else grace
        self._stopping.set()
        if self.serving.is_set():
            self.shutdown()
        self.server_close()
        if not self._wait_for_calls(grace, hurry):
            with self._lock:
                remaining = list(self.calls)
            log.warning("%d call(s) still in progress after %.0f s: handing them to agents",
                        len(remaining), grace)
            for channel in remaining:
                channel.request_handover()
            if not self._wait_for_calls(HANDOVER_WAIT_SECONDS, None):
                with self._lock:
                    stuck = list(self.calls)
                for channel in stuck:
                    channel.abort()
                self._wait_for_calls(1.0, None)

    def wait_for_call(self, uniqueid: str, seconds: float) -> bool:
        """Whether the call ``uniqueid`` is over here too (its record written) within
        ``seconds``: Asterisk sees the connection close before that
        (:meth:`AGIChannel.finish`)."""
        end = time.monotonic() + seconds
        with self._lock:
            while any(channel.info.uniqueid == uniqueid for channel in self.calls):
                left = end - time.monotonic()
                if left <= 0:
                    return False
                self._lock.wait(min(left, 0.1))
        return True

    def _wait_for_calls(self, seconds: float, hurry: threading.Event | None) -> bool:
        end = time.monotonic() + seconds
        with self._lock:
            while self._call_threads:
                left = end - time.monotonic()
                if left <= 0 or (hurry is not None and hurry.is_set()):
                    return False
                self._lock.wait(min(left, 0.1))
        return True


def hand_to_agent(channel: AGIChannel) -> None:
    """A handler for a server without the IVR: every caller goes to an agent (a test of the
    dialplan's fallback, or a site that only wants the hand-over)."""
    channel.log.info("no IVR: handing the caller to an agent")
    hand_over(channel.set_variable, Handover(ERROR))


def start_server(address: tuple[str, int], handler: Handler,
                 settings: AGISettings | None = None) -> tuple[AGIServer, threading.Thread]:
    """An :class:`AGIServer` accepting in a daemon thread (returns once it accepts)."""
    server = AGIServer(address, handler, settings)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                              name="agi-accept", daemon=True)
    thread.start()
    server.serving.wait()
    return server, thread


def serve_until_stopped(address: tuple[str, int], handler: Handler, settings: AGISettings) -> None:
    """Serve until SIGTERM/SIGINT (a second one skips the grace). Raises :class:`OSError`
    when the address cannot be bound."""
    stop, hurry = threading.Event(), threading.Event()

    def request_stop(_signum: int, _frame: Any) -> None:
        (hurry if stop.is_set() else stop).set()

    # Before the port opens: a supervisor that sees the port may stop us at once, and a
    # SIGTERM must then be a clean stop, not the default kill.
    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    server, thread = start_server(address, handler, settings)
    log.info("FastAGI listening on %s:%s (at most %d calls)", *server.server_address[:2],
             settings.max_calls)
    stop.wait()
    log.info("stopping: no new calls; %d in progress", server.active_calls)
    server.stop(hurry=hurry)
    thread.join(timeout=2)
    log.info("FastAGI stopped")
