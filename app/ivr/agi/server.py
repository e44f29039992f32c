"""The FastAGI server (the ``agi`` role): one thread per call, built for what Asterisk does
to a server (``docs/agi.md``, "What a server must stand").

- Asterisk gives up connecting after 2 s: a deep backlog (``request_queue_size``) and an
  accept loop that only starts threads.
- At most ``AGI_MAX_CALLS`` calls at once; one more is answered
  ``SET VARIABLE POSTLINE_STATUS "BUSY"`` + ``failure`` and closed: the dialplan queues
  it for an agent instead of the caller hearing silence.
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
#: Calls over the cap are refused by threads of their own; past this many refusals at
#: once a connection is closed without a word (POSTLINE_STATUS stays unset: not OK).
MAX_REFUSALS = 100
REFUSAL_TIMEOUT_SECONDS = 2.0


@dataclass(frozen=True)
class AGISettings:
    """The server's limits; :meth:`from_config` reads ``AGI_*`` from the app config."""

    max_calls: int = 500
    command_timeout: float = 60.0
    call_deadline: float = 1800.0
    stop_grace: float = 30.0

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> AGISettings:
        return cls(max_calls=int(config.get("AGI_MAX_CALLS", cls.max_calls)),
                   command_timeout=float(config.get("AGI_COMMAND_TIMEOUT", cls.command_timeout)),
                   call_deadline=float(config.get("AGI_CALL_DEADLINE", cls.call_deadline)),
                   stop_grace=float(config.get("AGI_STOP_GRACE", cls.stop_grace)))


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
        self._refusals = threading.BoundedSemaphore(MAX_REFUSALS)
        self._call_threads: set[threading.Thread] = set()
        self.serving = threading.Event()

    @property
    def active_calls(self) -> int:
        with self._lock:
            return len(self._call_threads)

    def serve_forever(self, poll_interval: float = 0.5) -> None:
        self.serving.set()
        super().serve_forever(poll_interval)

    # -- per connection --------------------------------------------------------------
    def process_request(self, request: Any, client_address: Any) -> None:
        """In the accept loop: only pick the thread's job and start it."""
        is_call = self._slots.acquire(blocking=False)
        if not is_call and not self._refusals.acquire(blocking=False):
            log.warning("refused a connection without a word: %d calls and %d refusals "
                        "in progress", self.settings.max_calls, MAX_REFUSALS)
            self.shutdown_request(request)
            return
        target = self._serve_call if is_call else self._refuse_call
        thread = threading.Thread(target=target, args=(request,), daemon=True,
                                  name="agi-call" if is_call else "agi-refuse")
        if is_call:
            with self._lock:
                self._call_threads.add(thread)
        try:
            thread.start()
        except RuntimeError:  # no more threads: the OS said no
            log.error("cannot start a thread for a call; closing it")
            self._release(thread, is_call)
            self.shutdown_request(request)

    def _release(self, thread: threading.Thread, was_call: bool) -> None:
        with self._lock:
            self._call_threads.discard(thread)
            self._lock.notify_all()
        (self._slots if was_call else self._refusals).release()

    def _serve_call(self, request: socket.socket) -> None:
        try:
            self._run_call(request)
        except Exception:  # nothing may escape a call thread unlogged
            log.exception("unexpected error around a call")
        finally:
            self.shutdown_request(request)
            self._release(threading.current_thread(), True)

    def _run_call(self, request: socket.socket) -> None:
        settings = self.settings
        channel = AGIChannel(request, command_timeout=settings.command_timeout,
                             deadline=time.monotonic() + settings.call_deadline)
        with self._lock:
            self.calls.add(channel)
        token = None
        try:
            try:
                info = channel.read_environment()
            except Hangup as exc:
                log.warning("dropped a connection that sent no valid AGI environment: %s", exc)
                return
            token = current_uniqueid.set(info.uniqueid or "-")
            channel.log.info("call %s script=%s", info.uniqueid,
                             info.env.get("agi_network_script", ""))
            self._call_handler(channel)
        finally:
            with self._lock:
                self.calls.discard(channel)
            if token is not None:
                current_uniqueid.reset(token)

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

    def _refuse_call(self, request: socket.socket) -> None:
        try:
            channel = AGIChannel(request, command_timeout=REFUSAL_TIMEOUT_SECONDS,
                                 deadline=time.monotonic() + 2 * REFUSAL_TIMEOUT_SECONDS)
            info = channel.read_environment()
            log.warning("refused call %s: %d calls in progress (AGI_MAX_CALLS)",
                        info.uniqueid, self.settings.max_calls)
            if channel.fail_safe(BUSY):
                channel.send_failure()
        except Hangup as exc:
            log.warning("dropped a connection over the call limit: %s", exc)
        except Exception:
            log.exception("unexpected error while refusing a call")
        finally:
            self.shutdown_request(request)
            self._release(threading.current_thread(), False)

    # -- stopping --------------------------------------------------------------------
    def stop(self, grace: float | None = None, hurry: threading.Event | None = None) -> None:
        """Stop accepting, let calls in progress finish within ``grace`` seconds (less if
        ``hurry`` is set: a second Ctrl-C), then hand the rest to agents."""
        grace = self.settings.stop_grace if grace is None else grace
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
