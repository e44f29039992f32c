"""Callers waiting in each queue, from Asterisk's ``QueueCallerJoin`` /
``QueueCallerLeave`` / ``QueueCallerAbandon``: every change is published to the
``queues`` live topic with the queue's new count and its longest wait, so the team lead's
page shows both without asking.

After missed events (the AMI link was down) the answer to a ``QueueStatus`` action puts it
right: per queue a ``QueueParams`` event (the queue's list is emptied), then one
``QueueEntry`` per caller still waiting, with his wait in seconds."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select

from app.agents.queue_models import QueueWaiting
from app.cti import live
from app.declarations import AmiEvent
from app.extensions import db

JOIN, LEAVE, ABANDON = "QueueCallerJoin", "QueueCallerLeave", "QueueCallerAbandon"
PARAMS, ENTRY = "QueueParams", "QueueEntry"
EVENTS = (JOIN, LEAVE, ABANDON, ENTRY)


@dataclass
class QueueNow:
    """One queue's waiting callers: how many, and since when the first of them waits."""

    queue: str
    waiting: int
    longest_since: datetime | None

    def payload(self) -> dict[str, object]:
        return {"queue": self.queue, "waiting": self.waiting,
                "longest_since": self.longest_since.isoformat() if self.longest_since else None}


def on_event(event: AmiEvent) -> None:
    """Track a caller joining or leaving a queue; other events are not ours."""
    queue, uniqueid = event.get("Queue"), event.get("Uniqueid")
    if event.name == PARAMS and queue:
        db.session.execute(delete(QueueWaiting).where(QueueWaiting.queue == queue))
    elif event.name not in EVENTS or not queue or not uniqueid:
        return
    elif event.name == JOIN:
        _join(queue, uniqueid, event.get("CallerIDNum"), event.received_at)
    elif event.name == ENTRY:
        wait = int(event.get("Wait")) if event.get("Wait").isdigit() else 0
        _join(queue, uniqueid, event.get("CallerIDNum"), event.received_at - timedelta(seconds=wait))
    else:
        db.session.execute(delete(QueueWaiting).where(QueueWaiting.queue == queue,
                                                      QueueWaiting.uniqueid == uniqueid))
    live.publish(live.QUEUES, "queue", queue_now(queue).payload())


def queue_now(queue: str) -> QueueNow:
    count, first = db.session.execute(select(func.count(QueueWaiting.id), func.min(QueueWaiting.joined_at))
                                      .where(QueueWaiting.queue == queue)).one()
    return QueueNow(queue, count or 0, first)


def all_queues(names: list[str]) -> list[QueueNow]:
    """``names`` (the agents' skill queues) and every queue with someone waiting, by name."""
    rows = dict((queue, (count, first)) for queue, count, first in db.session.execute(
        select(QueueWaiting.queue, func.count(QueueWaiting.id), func.min(QueueWaiting.joined_at))
        .group_by(QueueWaiting.queue)))
    return [QueueNow(name, *rows.get(name, (0, None))) for name in sorted(set(names) | set(rows))]


def _join(queue: str, uniqueid: str, caller: str, at: datetime) -> None:
    known = db.session.scalar(select(QueueWaiting).where(QueueWaiting.queue == queue,
                                                         QueueWaiting.uniqueid == uniqueid))
    if known is None:
        db.session.add(QueueWaiting(queue=queue, uniqueid=uniqueid, caller=caller[:64], joined_at=at))
        db.session.flush()
