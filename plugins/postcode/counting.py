"""The IVR's lookups are counted off the caller's path: the node queues a row and goes on
talking, and one writer thread per process inserts the queued rows in batches.

Three hundred calls at once on the embedded SQLite file would otherwise each commit a row
while the call waits, and some would fail with "database is locked". A batch that cannot
be written is retried a few times with a growing pause; if it still fails, its rows are
lost and the log says how many (a lost count is better than a lost call). Whatever is
queued is written before the process ends (``atexit``), and :func:`flush` waits for it
(tests, and a command that wants its counts in the report at once)."""
from __future__ import annotations

import atexit
import logging
import queue
import threading
import time
from typing import Any

from flask import Flask
from sqlalchemy import insert
from sqlalchemy.exc import OperationalError

from app import api

from .models import QUERY_MAX, PostcodeLookup

log = logging.getLogger("postline.postcode")

EXTENSION_KEY = "postcode.lookup_writer"
BATCH = 500
TRIES = 5
FIRST_PAUSE_SECONDS = 0.1
STOP_WAIT_SECONDS = 10.0
_STOP = object()
_writers_lock = threading.Lock()


class LookupWriter:
    """The queue and the thread that empties it, for one app."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.queue: queue.Queue[Any] = queue.Queue()
        self.thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.written = 0
        self.lost = 0

    def put(self, row: dict[str, Any]) -> None:
        self._start()
        self.queue.put(row)

    def flush(self) -> None:
        """Return once every row queued so far is written (or given up)."""
        if self.thread is not None:
            self.queue.join()

    def stop(self) -> None:
        """Write what is queued, then end the thread."""
        with self._lock:
            thread, self.thread = self.thread, None
        if thread is not None:
            self.queue.put(_STOP)
            thread.join(timeout=STOP_WAIT_SECONDS)

    def _start(self) -> None:
        with self._lock:
            if self.thread is None:
                self.thread = threading.Thread(target=self._run, name="postcode-counts", daemon=True)
                self.thread.start()

    def _run(self) -> None:
        while True:
            batch = [self.queue.get()]
            while len(batch) < BATCH:
                try:
                    batch.append(self.queue.get_nowait())
                except queue.Empty:
                    break
            rows = [row for row in batch if row is not _STOP]
            try:
                if rows:
                    self._write(rows)
            finally:
                for _ in batch:
                    self.queue.task_done()
            if len(rows) < len(batch):
                return

    def _write(self, rows: list[dict[str, Any]]) -> None:
        pause = FIRST_PAUSE_SECONDS
        for attempt in range(1, TRIES + 1):
            try:
                with self.app.app_context():
                    try:
                        api.db.session.execute(insert(PostcodeLookup), rows)
                        api.db.session.commit()
                    finally:
                        api.db.session.remove()
                self.written += len(rows)
                return
            except OperationalError as exc:  # "database is locked", a dropped connection
                if attempt == TRIES:
                    self.lost += len(rows)
                    log.error("lost %d postcode lookup count(s) after %d tries: %s",
                              len(rows), TRIES, str(exc.orig or exc).splitlines()[0])
                    return
                time.sleep(pause)
                pause *= 2
            except Exception:  # our bug or a schema problem: say it, keep the thread alive
                self.lost += len(rows)
                log.exception("lost %d postcode lookup count(s)", len(rows))
                return


def writer(app: Flask) -> LookupWriter:
    """The app's writer, made (and registered to be flushed at exit) on first use."""
    found = app.extensions.get(EXTENSION_KEY)
    if found is None:
        with _writers_lock:
            found = app.extensions.get(EXTENSION_KEY)
            if found is None:
                found = app.extensions[EXTENSION_KEY] = LookupWriter(app)
                api.register_flush(app, found.flush)
                atexit.register(found.stop)
    return found


def count_lookup(app: Flask, kind: str, query: str, result_count: int) -> None:
    """Queue one row for the lookup-count report (no staff member: the IVR); never waits
    for the database."""
    writer(app).put({"at": api.utcnow(), "user_id": None, "kind": kind,
                     "query_text": query[:QUERY_MAX], "result_count": result_count})


def flush(app: Flask) -> None:
    """Wait until every lookup queued in ``app`` so far is in the database."""
    found = app.extensions.get(EXTENSION_KEY)
    if found is not None:
        found.flush()
