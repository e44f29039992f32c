"""The ``worker`` role: APScheduler with its jobs persisted in our database.

Exactly one worker per site holds the scheduler, so a job never runs twice: on PostgreSQL
a session-level advisory lock decides (any number of workers may wait on other hosts); on
the embedded SQLite install, a lock file beside the database."""
from __future__ import annotations

import fcntl
import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask
from sqlalchemy import text

from app.audit.acting import acting_as
from app.extensions import db
from app.pluginhost import collect
from app.pluginhost.naming import job_id
from app.worker.stopping import stop_on_signals

log = logging.getLogger("postline.worker")

#: First half of the two-part advisory lock key ("plin"); the second half is a hash of the
#: schema, so two sites sharing one PostgreSQL database in different schemas (and parallel
#: test runs) each have their own worker.
ADVISORY_LOCK_CLASS = 0x706C696E
_SITE_KEY = ":k, hashtext(coalesce(current_schema(), ''))"
TRY_LOCK = text(f"SELECT pg_try_advisory_lock({_SITE_KEY})")
UNLOCK = text(f"SELECT pg_advisory_unlock({_SITE_KEY})")
LOCK_RETRY_SECONDS = 10

# The app the scheduled jobs run in. Jobs are stored by reference ("app.worker:run_job":
# sites' job stores hold that name, so run_job stays in this module),
# so the callable must find the app without arguments; set once by run_worker.
_worker_app: Flask | None = None


def declared_jobs(app: Flask) -> dict[str, Any]:
    with app.app_context():
        return {job_id(job): job for job in collect("postline_jobs")}


def run_job(full_name: str) -> None:
    """What the scheduler calls: the declared job, in an app context, errors logged."""
    app = _worker_app
    if app is None:
        raise RuntimeError("run_job called outside a PostLine worker")
    job = declared_jobs(app).get(full_name)
    if job is None:
        log.warning("job %s is no longer declared by any enabled plugin", full_name)
        return
    with app.app_context(), acting_as(f"job:{full_name}"):
        try:
            job.func()
            log.info("job %s done", full_name)
        except Exception:  # a failing job must not stop the scheduler; the log says why
            log.exception("job %s failed", full_name)
            db.session.rollback()
        finally:
            db.session.remove()


def sync_jobs(scheduler: BackgroundScheduler, jobs: dict[str, Any]) -> None:
    """Make the persisted job list equal the declared one: add, replace, drop stale."""
    for stale in [j.id for j in scheduler.get_jobs() if j.id not in jobs]:
        scheduler.remove_job(stale)
        log.info("removed job %s (no longer declared)", stale)
    for name, job in jobs.items():
        scheduler.add_job(run_job, job.trigger, args=[name], id=name, name=str(job.title or name),
                          replace_existing=True, coalesce=True, misfire_grace_time=3600,
                          **job.trigger_args)
        log.info("scheduled job %s (%s %s)", name, job.trigger, job.trigger_args)


@contextmanager
def scheduler_lock(app: Flask, stop: threading.Event) -> Iterator[bool]:
    """Yields True once this process holds the site's scheduler lock (False if stopped
    while waiting)."""
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "postgresql":
        key = {"k": ADVISORY_LOCK_CLASS}
        with engine.connect() as conn:
            while not conn.execute(TRY_LOCK, key).scalar():
                conn.rollback()
                log.info("another worker holds the scheduler; waiting")
                if stop.wait(LOCK_RETRY_SECONDS):
                    yield False
                    return
            conn.commit()
            try:
                yield True
            finally:
                conn.execute(UNLOCK, key)
                conn.commit()
        return
    path = lock_file_path(app, engine)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as handle:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                log.info("another worker holds %s; waiting", path)
                if stop.wait(LOCK_RETRY_SECONDS):
                    yield False
                    return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def lock_file_path(app: Flask, engine: Any) -> str:
    """Beside the SQLite file: the lock guards that database, whichever instance folder
    the process was started with (an in-memory database falls back to the instance folder)."""
    database = engine.url.database
    if database and database != ":memory:" and not database.startswith("file:"):
        return os.path.abspath(database) + ".worker.lock"
    return os.path.join(app.instance_path, "worker.lock")


def make_scheduler(app: Flask) -> BackgroundScheduler:
    with app.app_context():
        store = SQLAlchemyJobStore(engine=db.engine, tablename="apscheduler_jobs")
    return BackgroundScheduler(jobstores={"default": store}, timezone=app.config["TIMEZONE"])


def run_worker(app: Flask, stop: threading.Event | None = None) -> None:
    global _worker_app
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    stop = stop or stop_on_signals()
    _worker_app = app
    with scheduler_lock(app, stop) as held:
        if not held:
            return
        scheduler = make_scheduler(app)
        scheduler.start(paused=True)
        sync_jobs(scheduler, declared_jobs(app))
        scheduler.resume()
        log.info("worker running %d job(s)", len(scheduler.get_jobs()))
        stop.wait()
        scheduler.shutdown(wait=True)
    log.info("worker stopped")
