"""The ``worker`` role: APScheduler with its jobs persisted in our database, and the site's
one connection to Asterisk's manager interface (:mod:`app.cti.ami`).

Exactly one worker per site holds the scheduler, so a job never runs twice: on PostgreSQL
a session-level advisory lock decides (any number of workers may wait on other hosts); on
the embedded SQLite install, a lock file beside the database. The AMI link runs only while
the lock is held, for the same reason: each Asterisk event must be handled once."""
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
from apscheduler.schedulers.base import STATE_STOPPED
from apscheduler.util import ref_to_obj
from flask import Flask
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.audit.acting import acting_as
from app.cti.ami import AmiLink, start_link
from app.extensions import db
from app.logging_setup import configure_logging
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
BACKEND_PID = text("SELECT pg_backend_pid()")
LOCK_KEY = {"k": ADVISORY_LOCK_CLASS}
LOCK_RETRY_SECONDS = 10
#: Ids of the jobs rooms schedule themselves (:class:`RoomScheduler`), not declared ones.
ROOM_SCHEDULED_PREFIX = "room:"
#: Where a room finds the running scheduler: ``current_app.extensions[SCHEDULER_EXTENSION]``.
SCHEDULER_EXTENSION = "postline.scheduler"

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
    """Make the persisted job list equal the declared one: add, replace, drop stale. Jobs
    a room schedules itself (:class:`RoomScheduler`) are not declared and are left alone."""
    for stale in [j.id for j in scheduler.get_jobs()
                  if j.id not in jobs and not j.id.startswith(ROOM_SCHEDULED_PREFIX)]:
        scheduler.remove_job(stale)
        log.info("removed job %s (no longer declared)", stale)
    for name, job in jobs.items():
        scheduler.add_job(run_job, job.trigger, args=[name], id=name, name=str(job.title or name),
                          replace_existing=True, coalesce=True, misfire_grace_time=3600,
                          **job.trigger_args)
        log.info("scheduled job %s (%s %s)", name, job.trigger, job.trigger_args)


def run_scheduled(target: str, *args: Any) -> None:
    """What the scheduler calls for a room's own job: ``target`` ("module:function") with
    ``args``, in an app context, errors logged, like :func:`run_job`."""
    app = _worker_app
    if app is None:
        raise RuntimeError("run_scheduled called outside a PostLine worker")
    with app.app_context(), acting_as(f"job:{target}"):
        try:
            ref_to_obj(target)(*args)
            log.info("job %s%r done", target, args)
        except Exception:  # as in run_job: the scheduler goes on, the log says why
            log.exception("job %s%r failed", target, args)
            db.session.rollback()
        finally:
            db.session.remove()


class RoomScheduler:
    """The running scheduler as a room sees it (``app.extensions[SCHEDULER_EXTENSION]``
    while the worker holds the site): jobs a room adds and removes by itself, one per thing
    it schedules (a report subscription), which :func:`sync_jobs` leaves alone. They keep
    their next run time across restarts, run once for all the fires missed while the worker
    was down (``coalesce``, no misfire grace), and run through :func:`run_scheduled`."""

    def __init__(self, scheduler: BackgroundScheduler) -> None:
        self.scheduler = scheduler

    def jobs(self, prefix: str) -> dict[str, str]:
        """The room's job ids starting with ``prefix``, each with its trigger as text."""
        full = ROOM_SCHEDULED_PREFIX + prefix
        return {job.id[len(ROOM_SCHEDULED_PREFIX):]: str(job.trigger)
                for job in self.scheduler.get_jobs() if job.id.startswith(full)}

    def schedule(self, job_id: str, target: str, trigger: Any, args: list[Any]) -> None:
        self.scheduler.add_job(run_scheduled, trigger, args=[target, *args], id=ROOM_SCHEDULED_PREFIX + job_id,
                               name=job_id, replace_existing=True, coalesce=True, misfire_grace_time=None)
        log.info("scheduled room job %s (%s)", job_id, trigger)

    def unschedule(self, job_id: str) -> None:
        self.scheduler.remove_job(ROOM_SCHEDULED_PREFIX + job_id)
        log.info("removed room job %s", job_id)


class SiteLock:
    """The site's scheduler lock, taken, checked and given back.

    On PostgreSQL it is a session advisory lock: it lives exactly as long as the one
    connection that took it. If that connection drops (the server restarted, a network cut,
    ``pg_terminate_backend``), the lock is gone and another worker may take it, so
    :meth:`still_held` asks that connection, and the worker stops its jobs when it fails."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        with app.app_context():
            self.engine = db.engine
        self.postgres = self.engine.dialect.name == "postgresql"
        self.conn: Any = None
        self.handle: Any = None
        self.backend_pid: int | None = None

    def acquire(self, stop: threading.Event) -> bool:
        """Wait until this process holds the lock (True), or until ``stop`` (False)."""
        take = self._take_advisory if self.postgres else self._take_file
        while not take():
            if stop.wait(LOCK_RETRY_SECONDS):
                return False
        return True

    def still_held(self) -> bool:
        if not self.postgres:
            return self.handle is not None  # a file lock lives as long as the process
        if self.conn is None:
            return False
        try:
            pid = self.conn.execute(BACKEND_PID).scalar()
            self.conn.commit()
            return pid == self.backend_pid
        except SQLAlchemyError:
            return False

    def release(self) -> None:
        if self.conn is not None:
            conn, self.conn, self.backend_pid = self.conn, None, None
            try:
                conn.execute(UNLOCK, LOCK_KEY)
                conn.commit()
            except SQLAlchemyError:  # the connection is gone, and the lock with it
                conn.invalidate()
            finally:
                conn.close()
        if self.handle is not None:
            handle, self.handle = self.handle, None
            fcntl.flock(handle, fcntl.LOCK_UN)
            handle.close()

    def _take_advisory(self) -> bool:
        try:
            conn = self.engine.connect()
        except SQLAlchemyError as exc:
            log.warning("cannot reach the database for the scheduler lock: %s", _first_line(exc))
            return False
        try:
            if conn.execute(TRY_LOCK, LOCK_KEY).scalar():
                self.backend_pid = conn.execute(BACKEND_PID).scalar()
                conn.commit()
                self.conn = conn
                log.info("this worker holds the scheduler (PostgreSQL backend %s)", self.backend_pid)
                return True
            conn.rollback()
            log.info("another worker holds the scheduler; waiting")
        except SQLAlchemyError as exc:
            log.warning("could not take the scheduler lock: %s", _first_line(exc))
        conn.close()
        return False

    def _take_file(self) -> bool:
        path = lock_file_path(self.app, self.engine)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        handle = open(path, "w")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            log.info("another worker holds %s; waiting", path)
            return False
        self.handle = handle
        return True


def _first_line(exc: BaseException) -> str:
    return (str(getattr(exc, "orig", None) or exc).strip().splitlines() or [""])[0]


@contextmanager
def scheduler_lock(app: Flask, stop: threading.Event) -> Iterator[bool]:
    """Yields True once this process holds the site's scheduler lock (False if stopped
    while waiting)."""
    lock = SiteLock(app)
    held = lock.acquire(stop)
    try:
        yield held
    finally:
        lock.release()


def lock_file_path(app: Flask, engine: Any) -> str:
    """Beside the SQLite file: the lock guards that database, whichever instance folder
    the process was started with (an in-memory database falls back to the instance folder)."""
    database = engine.url.database
    if database and database != ":memory:" and not database.startswith("file:"):
        return os.path.abspath(database) + ".worker.lock"
    return os.path.join(app.instance_path, "worker.lock")


class SiteScheduler(BackgroundScheduler):
    """APScheduler's background scheduler, except that it never looks at due jobs once shut
    down. APScheduler's loop makes one last round after ``shutdown()``, its executors gone:
    each due job is then "submitted" in vain and its next run time moved on, so a job that
    fell due while the worker was paused (a lost lock) would be lost instead of running once
    at the next start."""

    def _process_jobs(self) -> float | None:
        if self.state == STATE_STOPPED:
            return None
        return super()._process_jobs()


def make_scheduler(app: Flask) -> BackgroundScheduler:
    with app.app_context():
        store = SQLAlchemyJobStore(engine=db.engine, tablename="apscheduler_jobs")
    return SiteScheduler(jobstores={"default": store}, timezone=app.config["TIMEZONE"])


def run_worker(app: Flask, stop: threading.Event | None = None) -> None:
    """Hold the site's lock and run the jobs until ``stop``. The lock is checked every
    ``WORKER_LOCK_CHECK_SECONDS``: when it is lost, the jobs are paused at once (another
    worker may be running them now) and the worker waits to take it again."""
    global _worker_app
    configure_logging("worker")
    stop = stop or stop_on_signals()
    _worker_app = app
    check_every = float(app.config.get("WORKER_LOCK_CHECK_SECONDS", 30))
    lock = SiteLock(app)
    scheduler: BackgroundScheduler | None = None
    link: AmiLink | None = None
    try:
        while lock.acquire(stop):
            if scheduler is None:
                scheduler = make_scheduler(app)
                scheduler.start(paused=True)
                app.extensions[SCHEDULER_EXTENSION] = RoomScheduler(scheduler)
            sync_jobs(scheduler, declared_jobs(app))
            scheduler.resume()
            log.info("worker running %d job(s)", len(scheduler.get_jobs()))
            link = start_link(app)
            while not stop.wait(check_every) and lock.still_held():
                pass
            link.stop()
            if stop.is_set():
                break
            scheduler.pause()
            log.error("lost the scheduler lock (its database connection dropped): jobs paused "
                      "until this worker takes it again")
            lock.release()
    finally:
        if link is not None:
            link.stop()  # before the lock goes: no event may be handled by two workers
        if scheduler is not None:
            app.extensions.pop(SCHEDULER_EXTENSION, None)
            scheduler.shutdown(wait=True)  # before the lock goes: no job may run twice
        lock.release()
    log.info("worker stopped")
