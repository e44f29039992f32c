"""The CTI room's tables: the AMI outbox, the live-event log and the AMI link's state.

Pages never talk to Asterisk themselves: the worker holds the site's one AMI connection
(the issue's rule, and Asterisk's ``manager.conf`` sees one login), so a page that wants
an agent paused or a call transferred writes a :class:`CtiAction`, and the worker sends
it and writes the answer back. The same table is the record of what was asked of
Asterisk, by whom and when.

:class:`LiveEvent` is the log behind every live page (screen pop, agent states,
wallboard): a page's stream reads the rows after the last id it has seen, so a browser
that reconnects (``Last-Event-ID``) misses nothing, on every web process alike; PostgreSQL
NOTIFY or Redis only wake the streams up sooner."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.timeutil import utcnow

#: A CtiAction's life: written by a page, sent by the worker, answered by Asterisk.
PENDING, SENT, DONE, FAILED = "pending", "sent", "done", "failed"
ACTION_STATES = (PENDING, SENT, DONE, FAILED)


class CtiAction(db.Model):
    """One AMI action asked for by a page (``fields``: JSON of the action's headers, without
    ``Action`` and ``ActionID``, which the worker adds). ``response`` is Asterisk's reply
    as JSON; ``error`` the sentence shown when it failed or could not be sent."""

    __tablename__ = "cti_action"
    __table_args__ = (Index("ix_cti_action_state", "state", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    action: Mapped[str] = mapped_column(String(40))
    fields: Mapped[str] = mapped_column(Text, default="{}")
    state: Mapped[str] = mapped_column(String(16), default=PENDING)
    actor: Mapped[str] = mapped_column(String(100), default="")
    requested_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    sent_at: Mapped[datetime | None] = mapped_column()
    done_at: Mapped[datetime | None] = mapped_column()
    response: Mapped[str] = mapped_column(Text, default="{}")
    error: Mapped[str] = mapped_column(String(500), default="")


class LiveEvent(db.Model):
    """Something a live page shows, for one ``topic``: ``agent:<user id>`` (that agent's
    desk: screen pop, state), ``team`` (every agent's state: the team lead's view,
    the wallboard), ``queues`` (waiting callers). ``payload`` is JSON."""

    __tablename__ = "cti_live_event"
    __table_args__ = (Index("ix_cti_live_event_topic", "topic", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    topic: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(40))
    payload: Mapped[str] = mapped_column(Text, default="{}")
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class CtiLink(db.Model):
    """The state of the worker's AMI connection (one row, ``name`` ``ami``), for the
    administrators' page: ``off`` (no ``AMI_HOST``), ``connecting``, ``up``, ``down``
    (waiting to retry, ``detail`` says why), with when it entered that state."""

    __tablename__ = "cti_link"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    state: Mapped[str] = mapped_column(String(16), default="off")
    since: Mapped[datetime] = mapped_column(default=utcnow)
    detail: Mapped[str] = mapped_column(String(500), default="")
    host: Mapped[str] = mapped_column(String(200), default="")
    failures: Mapped[int] = mapped_column(default=0)
    last_event_at: Mapped[datetime | None] = mapped_column()


class QueueLogEntry(db.Model):
    """One line of Asterisk's queue_log, as Asterisk (or our dialplan's ``QueueLog()``)
    wrote it, whether it came from the file or the realtime table. ``at`` is the line's
    epoch as naive UTC and ``key`` a digest of the whole line: (``at``, ``key``) is unique,
    so importing the same lines twice adds nothing. The time leads that index because lines
    come in time order: each new one goes to the end of the index instead of a random
    place in it, which is most of what a fast ingest needs (docs/performance.md), and the
    same index serves every time range. The statistics (``app.stats``) are derived from
    these rows."""

    __tablename__ = "cti_queue_log"
    __table_args__ = (UniqueConstraint("at", "key", name="uq_cti_queue_log_at_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column()
    callid: Mapped[str] = mapped_column(String(64), index=True)
    queue: Mapped[str] = mapped_column(String(64), default="")
    agent: Mapped[str] = mapped_column(String(128), default="")
    event: Mapped[str] = mapped_column(String(32))
    data1: Mapped[str] = mapped_column(String(255), default="")
    data2: Mapped[str] = mapped_column(String(255), default="")
    data3: Mapped[str] = mapped_column(String(255), default="")
    data4: Mapped[str] = mapped_column(String(255), default="")
    data5: Mapped[str] = mapped_column(String(255), default="")
    source: Mapped[str] = mapped_column(String(16), default="")


class QueueLogSource(db.Model):
    """Where the follower of a queue_log source got to: for the file, its inode and the
    byte offset read up to (a rotated or truncated file starts again at 0); for the
    realtime table, the last id or time read. ``bad_lines`` counts what could not be read."""

    __tablename__ = "cti_queue_log_source"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    inode: Mapped[int | None] = mapped_column()
    position: Mapped[int] = mapped_column(default=0)
    last_seen: Mapped[str] = mapped_column(String(64), default="")
    lines: Mapped[int] = mapped_column(default=0)
    bad_lines: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
