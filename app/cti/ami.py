"""The worker's one connection to the Asterisk Manager Interface.

:class:`AmiLink` runs two threads while the worker holds the site's scheduler lock:

- ``ami-link`` connects and logs in (pyst2, through :mod:`app.cti.manager`), sends the
  outbox while the link is up, and when the connection breaks or the login is refused,
  waits and tries again: 1 s (``AMI_RETRY_MIN``) doubling up to ``AMI_RETRY_MAX``, back to
  the minimum after a successful login. While it is down (or AMI is off), pending actions
  older than ``AMI_ACTION_EXPIRY`` fail, so no page waits for ever;
- ``ami-events`` hands every event received, in order, to :func:`app.cti.events.dispatch`
  in an app context and commits after each event (a failing one is rolled back and
  logged, and the next goes on). pyst2 calls back from its own threads, a new pair for
  each connection: they only put the headers on one queue, and this one thread takes
  them off, so order holds across reconnects too.

Why only the worker that holds the scheduler lock: every event changes shared state
(agent states, live events, desk calls), so two workers listening would handle each event
twice; the lock already elects exactly one worker per site, and when it is lost the link
stops with the jobs and the next lock holder opens its own.
"""
from __future__ import annotations

import logging
import queue
import threading
from dataclasses import dataclass
from typing import Any

from flask import Flask

from app.audit.acting import acting_as
from app.cti import manager as ami
from app.cti import outbox
from app.cti.events import dispatch
from app.cti.link_state import CONNECTING, DOWN, OFF, UP, LinkState
from app.extensions import db

log = logging.getLogger("postline.cti")

ACTOR = "ami"
_STOP = object()


@dataclass(frozen=True)
class AmiSettings:
    host: str
    port: int = 5038
    username: str = ""
    secret: str = ""
    retry_min: float = 1.0
    retry_max: float = 60.0
    action_expiry: float = 30.0
    poll_seconds: float = 0.3
    response_timeout: float = 10.0
    touch_seconds: float = 5.0

    @classmethod
    def from_config(cls, config: Any) -> AmiSettings:
        return cls(host=str(config.get("AMI_HOST") or "").strip(), port=int(config.get("AMI_PORT", 5038)),
                   username=str(config.get("AMI_USERNAME", "")), secret=str(config.get("AMI_SECRET", "")),
                   retry_min=float(config.get("AMI_RETRY_MIN", 1)), retry_max=float(config.get("AMI_RETRY_MAX", 60)),
                   action_expiry=float(config.get("AMI_ACTION_EXPIRY", 30)),
                   poll_seconds=float(config.get("AMI_POLL_SECONDS", 0.3)),
                   response_timeout=float(config.get("AMI_RESPONSE_TIMEOUT", 10)),
                   touch_seconds=float(config.get("AMI_TOUCH_SECONDS", 5)))

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}" if self.host else ""


class AmiLink:
    """The connection, its outbox sender and its event consumer; :meth:`start`, :meth:`stop`."""

    def __init__(self, app: Flask, settings: AmiSettings | None = None) -> None:
        self.app = app
        self.settings = settings or AmiSettings.from_config(app.config)
        self.state = LinkState(app, self.settings.where, self.settings.touch_seconds)
        self._stop = threading.Event()
        self._events: queue.Queue[Any] = queue.Queue()
        self._threads: list[threading.Thread] = []

    def start(self) -> AmiLink:
        for target, name in ((self._consume_events, "ami-events"), (self._run, "ami-link")):
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self, timeout: float = 15.0) -> None:
        """Log off, handle the events already received, and end both threads."""
        self._stop.set()
        for thread in reversed(self._threads):  # the link first: it queues the consumer's end
            thread.join(timeout)
        self._threads = [t for t in self._threads if t.is_alive()]
        if self._threads:
            log.error("the AMI link did not stop within %s s", timeout)

    # -- the connection --------------------------------------------------------------------

    def _run(self) -> None:
        try:
            self._work(outbox.fail_interrupted)
            if not self.settings.host:
                self.state.enter(OFF, "AMI_HOST is empty")
                while not self._stop.wait(max(1.0, self.settings.poll_seconds)):
                    self._expire()
            else:
                self._keep_connected()
        except Exception:  # the loop itself must not die silently
            log.exception("the AMI link stopped on an error")
        finally:
            self._events.put(_STOP)

    def _keep_connected(self) -> None:
        delay = self.settings.retry_min
        while not self._stop.is_set():
            self.state.enter(CONNECTING)
            try:
                was_up, reason = self._session()
            except Exception as exc:  # pyst2 raising something unforeseen: retry all the same
                log.exception("AMI session failed")
                was_up, reason = False, f"Unexpected error: {exc!r}"
            if self._stop.is_set():
                self.state.enter(DOWN, "The worker stopped")
                return
            if was_up:  # logged in, then lost: the back-off starts again from the minimum
                delay = self.settings.retry_min
            self.state.enter(DOWN, f"{reason}; retrying in {delay:g} s", failed=True)
            self._wait_expiring(delay)
            delay = min(delay * 2, self.settings.retry_max)

    def _session(self) -> tuple[bool, str]:
        """One connection: whether it got as far as a login, and why it ended."""
        s = self.settings
        try:
            manager = ami.open_manager(s.host, s.port, s.username, s.secret, s.response_timeout,
                                       self._events.put)
        except ami.LoginRefused as exc:
            return False, f"Login refused as {s.username!r}: {exc}"
        except ami.NoAnswer as exc:
            return False, f"No answer from {s.where}: {ami.reason(exc)}"
        except (ami.ManagerException, OSError) as exc:
            return False, f"Cannot connect to {s.where}: {ami.reason(exc)}"
        self.state.enter(UP, "Logged in as " + s.username)
        try:
            reason = self._serve(manager)
        finally:
            ami.close(manager, polite=not manager.timed_out)
        return True, reason

    def _serve(self, manager: ami.Manager) -> str:
        """Send the outbox while connected; why the connection ended."""
        sender = _sender(manager)
        while not self._stop.is_set() and manager.connected():
            for row_id in self._work(outbox.pending_ids) or []:
                if self._stop.is_set():
                    break
                if self._work(outbox.send_one, row_id, sender) is False:
                    return (outbox.NO_ANSWER if manager.timed_out else outbox.CONNECTION_LOST)
            self._stop.wait(self.settings.poll_seconds)
        return "The connection was closed"

    def _wait_expiring(self, seconds: float) -> None:
        remaining = seconds
        while remaining > 0 and not self._stop.is_set():
            self._expire()
            step = min(remaining, max(self.settings.poll_seconds, 0.05))
            self._stop.wait(step)
            remaining -= step
        self._expire()

    def _expire(self) -> None:
        self._work(outbox.expire_pending, self.settings.action_expiry)

    def _work(self, func: Any, *args: Any) -> Any:
        """``func(*args)`` in an app context of its own; a failure is logged, rolled back."""
        with self.app.app_context(), acting_as(ACTOR):
            try:
                return func(*args)
            except Exception:
                log.exception("AMI outbox: %s failed", getattr(func, "__name__", func))
                db.session.rollback()
                return None
            finally:
                db.session.remove()

    # -- the events ------------------------------------------------------------------------

    def _consume_events(self) -> None:
        while (headers := self._events.get()) is not _STOP:
            self._handle(headers)

    def _handle(self, headers: dict[str, Any]) -> None:
        with self.app.app_context(), acting_as(ACTOR):
            try:
                dispatch(headers)
                db.session.commit()
            except Exception:  # one bad event never stops the others
                log.exception("AMI event %s failed; rolled back", headers.get("Event"))
                db.session.rollback()
            finally:
                db.session.remove()
        self.state.event_received()


def _sender(manager: ami.Manager) -> outbox.Sender:
    def send(headers: dict[str, Any]) -> dict[str, Any]:
        try:
            return dict(manager.send(headers).headers)
        except ami.NoAnswer as exc:
            raise TimeoutError(ami.reason(exc)) from exc
        except ami.ManagerException as exc:  # "Not connected", or the socket broke
            raise ConnectionError(ami.reason(exc)) from exc

    return send


def start_link(app: Flask) -> AmiLink:
    """What ``run_worker`` calls once it holds the site's lock."""
    return AmiLink(app).start()
