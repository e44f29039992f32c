"""The AMI link's state as the administrators' page shows it: one :class:`CtiLink` row
(``name`` ``ami``) that the worker rewrites at each change (off, connecting, up, down) and,
at most every ``touch_seconds``, with the time of the last event received. A database
hiccup while writing it is logged and forgotten: the state is a report, the connection
itself must go on."""
from __future__ import annotations

import logging
import time

from flask import Flask

from app.cti.models import CtiLink
from app.extensions import db
from app.timeutil import utcnow

log = logging.getLogger("postline.cti")

NAME = "ami"
OFF, CONNECTING, UP, DOWN = "off", "connecting", "up", "down"
LINK_STATES = (OFF, CONNECTING, UP, DOWN)


def current(name: str = NAME) -> CtiLink | None:
    return db.session.get(CtiLink, name)


class LinkState:
    """Writes the link's row; ``history`` keeps the states entered and ``details`` their
    details, for tests."""

    def __init__(self, app: Flask, host: str, touch_seconds: float) -> None:
        self.app = app
        self.host = host
        self.touch_seconds = touch_seconds
        self.failures = 0
        self.history: list[str] = []
        self.details: list[str] = []
        self._last_touch = 0.0

    def enter(self, state: str, detail: str = "", failed: bool = False) -> None:
        """Enter ``state``; ``failed`` counts one more failure in a row (a login counts
        them back to nought)."""
        self.failures = self.failures + 1 if failed else (0 if state == UP else self.failures)
        self.history.append(state)
        self.details.append(detail)
        log.log(logging.WARNING if failed else logging.INFO, "AMI %s %s%s", self.host or "-", state,
                f": {detail}" if detail else "")
        self._write(state=state, since=utcnow(), detail=detail[:500], host=self.host[:200],
                    failures=self.failures)

    def event_received(self) -> None:
        """Note an event's arrival, at most every ``touch_seconds``."""
        now = time.monotonic()
        if now - self._last_touch < self.touch_seconds:
            return
        self._last_touch = now
        self._write(last_event_at=utcnow())

    def _write(self, **values: object) -> None:
        with self.app.app_context():
            try:
                row = db.session.get(CtiLink, NAME)
                if row is None:
                    row = CtiLink(name=NAME)
                    db.session.add(row)
                for key, value in values.items():
                    setattr(row, key, value)
                db.session.commit()
            except Exception:
                log.exception("could not record the AMI link's state")
                db.session.rollback()
            finally:
                db.session.remove()
