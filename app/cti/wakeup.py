"""Waking up the live streams of one web process when a live event is published anywhere.

The log (:class:`~app.cti.models.LiveEvent`) is the truth: a stream always reads its
events from the table. What this module adds is *when* to read. Each web process has one
:class:`Hub` (a ``threading.Condition``) and one background thread that feeds it; every
stream of the process waits on the hub, holding no database connection, and reads only
when one of its topics was announced (or at its heartbeat, whatever happened). So 200
agents' shift-long streams cost 200 idle threads and one listening connection per
process, not 200 connections out of the pool.

Three feeds, chosen by ``LIVE_BACKEND`` (empty: the first that applies):

- ``redis`` (``LIVE_REDIS_URL`` set): :func:`announce` queues ``"<id> <topic>"`` on the
  session and the ``after_commit`` listener publishes it on the channel
  ``postline_live``; the hub's thread is subscribed to it.
- ``postgresql``: :func:`announce` runs ``pg_notify`` in the publisher's transaction,
  which PostgreSQL delivers at commit (never before the row is visible, never for a
  rolled-back one); the hub's thread holds one ``LISTEN postline_live`` connection of its
  own, outside the pool.
- ``poll`` (the embedded SQLite install): the hub's thread reads the newest rows every
  ``LIVE_POLL_SECONDS``: one small query per process, whatever the number of streams.

A lost wake-up (the listener reconnecting, Redis restarted) costs at most one heartbeat:
each stream reads the table at every heartbeat all the same, and after every reconnect the
hub wakes all streams."""
from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from typing import Any

from flask import Flask, current_app, has_app_context
from flask_sqlalchemy.session import Session
from sqlalchemy import event as sa_event
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from app.cti.models import LiveEvent
from app.extensions import db

log = logging.getLogger("postline.live")

CHANNEL = "postline_live"
REDIS, POSTGRESQL, POLL = "redis", "postgresql", "poll"
BACKENDS = (REDIS, POSTGRESQL, POLL)
#: Where the session keeps the wake-ups to send to Redis once it commits.
_PENDING = "postline_live_pending"
#: The poller looks this many ids back: a row whose transaction committed after a newer
#: one's is still announced.
POLL_LOOKBACK = 200
RETRY_SECONDS = (1, 2, 5, 10, 30)
EXTENSION = "postline_live_hub"
_start_lock = threading.Lock()


class Hub:
    """What the streams of one process wait on: a counter per announced topic, and an
    epoch that wakes every stream (after a reconnect, or on stop)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._versions: dict[str, int] = {}
        self._epoch = 0
        #: Streams waiting right now (for the tests and for a look at a live process).
        self.waiting = 0
        self.listener: Listener | None = None

    def snapshot(self, topics: Iterable[str]) -> tuple[int, tuple[int, ...]]:
        """Taken before a stream reads the table; :meth:`wait` returns once it is stale."""
        with self._cond:
            return self._snapshot(tuple(topics))

    def _snapshot(self, topics: tuple[str, ...]) -> tuple[int, tuple[int, ...]]:
        return self._epoch, tuple(self._versions.get(topic, 0) for topic in topics)

    def wait(self, topics: Iterable[str], seen: tuple[int, tuple[int, ...]], timeout: float) -> bool:
        """Block (holding nothing but a thread) until one of ``topics`` is announced after
        ``seen`` or ``timeout`` seconds pass; ``True`` when woken."""
        topics = tuple(topics)
        with self._cond:
            self.waiting += 1
            try:
                return self._cond.wait_for(lambda: self._snapshot(topics) != seen, timeout)
            finally:
                self.waiting -= 1

    def announce(self, topic: str) -> None:
        with self._cond:
            self._versions[topic] = self._versions.get(topic, 0) + 1
            self._cond.notify_all()

    def wake_all(self) -> None:
        with self._cond:
            self._epoch += 1
            self._cond.notify_all()


def backend_name(app: Flask) -> str:
    """The feed this app's streams use (see the module's docstring)."""
    chosen = str(app.config.get("LIVE_BACKEND") or "").strip().lower()
    if chosen in BACKENDS:
        return chosen
    if app.config.get("LIVE_REDIS_URL"):
        return REDIS
    if str(app.config.get("SQLALCHEMY_DATABASE_URI", "")).startswith("postgresql"):
        return POSTGRESQL
    return POLL


def hub_for(app: Flask) -> Hub:
    """The process's hub, its listening thread started on first use (after gunicorn has
    forked, so each worker gets its own)."""
    hub = app.extensions.get(EXTENSION)
    if hub is not None:
        return hub
    with _start_lock:
        hub = app.extensions.get(EXTENSION)
        if hub is None:
            hub = Hub()
            hub.listener = LISTENERS[backend_name(app)](app, hub)
            hub.listener.start()
            app.extensions[EXTENSION] = hub
    return hub


def stop(app: Flask, timeout: float = 5.0) -> None:
    """Stop the app's listening thread (tests, shutdown); streams still waiting wake up."""
    hub = app.extensions.pop(EXTENSION, None)
    if hub is None or hub.listener is None:
        return
    hub.listener.stop_event.set()
    hub.wake_all()
    hub.listener.join(timeout)


# --- the publishing side --------------------------------------------------------------------

def announce(event: LiveEvent) -> None:
    """Called by :func:`app.cti.live.publish` once the row has its id, in the publisher's
    transaction: the wake-up goes out when (and only if) that transaction commits."""
    payload = f"{event.id} {event.topic}"
    session = db.session()
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_notify(:channel, :payload)"), {"channel": CHANNEL, "payload": payload})
    if has_app_context() and current_app.config.get("LIVE_REDIS_URL"):
        session.info.setdefault(_PENDING, []).append(payload)


@sa_event.listens_for(Session, "after_commit")
def _publish_to_redis(session: Session) -> None:
    payloads = session.info.pop(_PENDING, None)
    if not payloads or not has_app_context():
        return
    try:
        client = _redis_client(current_app)
        for payload in payloads:
            client.publish(CHANNEL, payload)
    except Exception:  # Redis down: the streams still read at their heartbeat
        log.warning("could not publish %d live wake-ups to Redis", len(payloads), exc_info=True)


@sa_event.listens_for(Session, "after_rollback")
def _forget_pending(session: Session) -> None:
    session.info.pop(_PENDING, None)


def _redis_client(app: Flask) -> Any:
    key = "postline_live_redis"
    client = app.extensions.get(key)
    if client is None:
        import redis

        client = redis.Redis.from_url(app.config["LIVE_REDIS_URL"], socket_timeout=2, socket_connect_timeout=2)
        app.extensions[key] = client
    return client


# --- the listening side ---------------------------------------------------------------------

class Listener(threading.Thread):
    """The one thread per process that feeds the hub; it reconnects with back-off and, each
    time it (re)connects, wakes every stream to read what it may have missed."""

    def __init__(self, app: Flask, hub: Hub) -> None:
        super().__init__(name=f"postline-live-{type(self).__name__}", daemon=True)
        self.app, self.hub = app, hub
        self.stop_event = threading.Event()
        self.connected = threading.Event()

    def run(self) -> None:
        failures = 0
        while not self.stop_event.is_set():
            try:
                self.listen()
                failures = 0
            except Exception:
                self.connected.clear()
                delay = RETRY_SECONDS[min(failures, len(RETRY_SECONDS) - 1)]
                failures += 1
                log.warning("live listener (%s) failed; retrying in %ss", type(self).__name__, delay,
                            exc_info=True)
                self.hub.wake_all()
                self.stop_event.wait(delay)

    def listen(self) -> None:
        raise NotImplementedError

    def ready(self) -> None:
        self.connected.set()
        self.hub.wake_all()


class PollListener(Listener):
    def listen(self) -> None:
        interval = float(self.app.config.get("LIVE_POLL_SECONDS") or 0.5)
        seen: set[int] = set()
        with self.app.app_context():
            try:
                newest = db.session.scalar(select(func.max(LiveEvent.id))) or 0
            finally:
                db.session.remove()
        last = self._newest(newest, seen, announce=False)
        self.ready()
        while not self.stop_event.wait(interval):
            last = self._newest(last, seen, announce=True)

    def _newest(self, last: int, seen: set[int], announce: bool) -> int:
        with self.app.app_context():
            try:
                rows = db.session.execute(select(LiveEvent.id, LiveEvent.topic)
                                          .where(LiveEvent.id > last - POLL_LOOKBACK)
                                          .order_by(LiveEvent.id)).all()
            finally:
                db.session.remove()  # the connection goes back to the pool between polls
        for event_id, topic in rows:
            if event_id not in seen:
                seen.add(event_id)
                if announce:
                    self.hub.announce(topic)
        newest = max([last] + [row[0] for row in rows])
        seen.intersection_update(range(newest - POLL_LOOKBACK, newest + 1))
        return newest


class PostgresListener(Listener):
    def listen(self) -> None:
        import psycopg

        url = make_url(self.app.config["SQLALCHEMY_DATABASE_URI"]).set(drivername="postgresql")
        with psycopg.connect(url.render_as_string(hide_password=False), autocommit=True,
                             connect_timeout=5) as conn:
            conn.execute(f"LISTEN {CHANNEL}")
            self.ready()
            while not self.stop_event.is_set():
                for note in conn.notifies(timeout=1.0):
                    self.hub.announce(_topic_of(note.payload))


class RedisListener(Listener):
    def listen(self) -> None:
        import redis

        client = redis.Redis.from_url(self.app.config["LIVE_REDIS_URL"], socket_connect_timeout=5,
                                      health_check_interval=30)
        pubsub = client.pubsub(ignore_subscribe_messages=True)
        try:
            pubsub.subscribe(CHANNEL)
            self.ready()
            while not self.stop_event.is_set():
                message = pubsub.get_message(timeout=1.0)
                if message and message.get("type") == "message":
                    data = message["data"]
                    self.hub.announce(_topic_of(data.decode() if isinstance(data, bytes) else str(data)))
        finally:
            pubsub.close()
            client.close()


def _topic_of(payload: str) -> str:
    return payload.split(" ", 1)[1] if " " in payload else payload


LISTENERS: dict[str, type[Listener]] = {REDIS: RedisListener, POSTGRESQL: PostgresListener, POLL: PollListener}
