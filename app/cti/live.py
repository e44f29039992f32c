"""Live events for browsers: :func:`publish` adds a row to the log (in the caller's
transaction), :func:`since` reads what a stream has not seen yet. Streams on any web
process read the same rows, so an event reaches the agent whatever process serves his
page; a reconnecting browser passes the last id it saw and gets the rest. How the streams
learn that there is something to read: :mod:`app.cti.wakeup`."""
from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from flask import current_app
from sqlalchemy import delete, func, select

from app.cti import wakeup
from app.cti.models import LiveEvent
from app.extensions import db
from app.timeutil import utcnow


def agent_topic(user_id: int) -> str:
    return f"agent:{user_id}"


TEAM = "team"
QUEUES = "queues"


def publish(topic: str, kind: str, payload: dict[str, Any]) -> LiveEvent:
    event = LiveEvent(topic=topic, kind=kind, payload=json.dumps(payload, ensure_ascii=False, default=str))
    db.session.add(event)
    db.session.flush()
    wakeup.announce(event)
    return event


def since(topics: Iterable[str], after_id: int, limit: int = 100) -> list[LiveEvent]:
    """Events of ``topics`` with an id above ``after_id``, oldest first."""
    return list(db.session.scalars(select(LiveEvent).where(LiveEvent.topic.in_(list(topics)),
                                                           LiveEvent.id > after_id)
                                   .order_by(LiveEvent.id).limit(limit)))


def latest_id() -> int:
    """Where a new stream starts: after everything already logged."""
    return db.session.scalar(select(func.max(LiveEvent.id))) or 0


def payload_of(event: LiveEvent) -> dict[str, Any]:
    return json.loads(event.payload or "{}")


def purge_old_events() -> int:
    """The worker's job: forget live events older than ``LIVE_KEEP_HOURS`` (a desk that was
    away longer reloads its page, which shows the state of now). Returns how many went."""
    hours = float(current_app.config.get("LIVE_KEEP_HOURS") or 24)
    cutoff = utcnow() - timedelta(hours=hours)
    gone = db.session.execute(delete(LiveEvent).where(LiveEvent.at < cutoff)).rowcount
    db.session.commit()
    return gone or 0
