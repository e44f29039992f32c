"""The worker role: APScheduler with its jobs kept in our database, one scheduler per site
(a PostgreSQL advisory lock, or a lock file beside the SQLite database), and a failing job
that is logged without stopping the others."""
from __future__ import annotations

import logging
import os
import re
import threading
import uuid

import pytest
from sqlalchemy import select, text

from app import worker
from app.api import Job, hookimpl
from app.audit.models import AuditLog
from app.auth.models import Department
from app.extensions import db

from cli_support import wait_for


@pytest.fixture
def postline_plugins():
    """The core's own behaviour with the first business line only: the default flows and
    demo data then do not depend on which other lines are shipped."""
    return ["postcode"]

JOIN_SECONDS = 20


class Recorder:
    """A plugin object whose jobs count their runs; ``boom`` writes and then fails."""

    def __init__(self) -> None:
        self.ticks = 0
        self.booms = 0

    def tick(self) -> None:
        db.session.add(Department(code=f"tick-{uuid.uuid4().hex[:8]}", name="tick"))
        db.session.commit()
        self.ticks += 1

    def boom(self) -> None:
        self.booms += 1
        db.session.add(Department(code=f"boom-{uuid.uuid4().hex[:8]}", name="boom"))
        db.session.flush()
        raise RuntimeError("the sorting machine is on fire")

    @hookimpl
    def postline_jobs(self) -> list[Job]:
        return [Job("tick", self.tick, "interval", {"seconds": 1}, title="Tick"),
                Job("boom", self.boom, "interval", {"seconds": 1}, title="Boom")]


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def app_config(app_config, recorder):
    return {**app_config, "PLUGIN_OBJECTS": {"wtest": recorder}}


@pytest.fixture
def quick_retry(monkeypatch):
    monkeypatch.setattr(worker, "LOCK_RETRY_SECONDS", 0.05)


def _stored_job_ids() -> set[str]:
    with db.engine.connect() as connection:
        return set(connection.execute(text("SELECT id FROM apscheduler_jobs")).scalars())


def test_jobs_are_kept_in_the_database_and_stale_ones_removed(app):
    scheduler = worker.make_scheduler(app)
    scheduler.start(paused=True)
    try:
        # What an older release (or a plugin since disabled) left in the job store.
        scheduler.add_job(worker.run_job, "interval", args=["gone.job"], id="gone.job", minutes=5)
        assert _stored_job_ids() == {"gone.job"}

        worker.sync_jobs(scheduler, worker.declared_jobs(app))
        assert _stored_job_ids() == {"core.close_lost_calls", "core.notify_retry", "core.ticket_escalation",
                                    "core.voicemail_orders", "core.acw_limit", "core.live_events_purge", "core.queue_log_follow",
                                    "core.queue_log_table", "core.ivr_exits",
                                    "core.callback_spread", "core.quality_sample", "core.report_runs",
                                    "core.report_inbox_sweep", "core.report_subscriptions", "wtest.tick", "wtest.boom"}
        stored = scheduler.get_job("wtest.tick")
        assert stored.func_ref == "app.worker:run_job" and stored.args == ("wtest.tick",)
        # A translated title, named outside any request, in the site's language.
        assert scheduler.get_job("core.close_lost_calls").name == "关闭 IVR 进程中断后遗留未结束的通话记录"

        # Declared jobs are replaced, not duplicated; a job no longer declared goes.
        only_tick = {k: v for k, v in worker.declared_jobs(app).items() if k == "wtest.tick"}
        worker.sync_jobs(scheduler, only_tick)
        worker.sync_jobs(scheduler, only_tick)
        assert _stored_job_ids() == {"wtest.tick"}
    finally:
        scheduler.shutdown(wait=False)

    # A new scheduler over the same database (the next worker start) finds the job.
    again = worker.make_scheduler(app)
    again.start(paused=True)
    try:
        assert [job.id for job in again.get_jobs()] == ["wtest.tick"]
    finally:
        again.shutdown(wait=False)


def test_a_failing_job_is_logged_and_the_scheduler_goes_on(app, recorder, caplog, quick_retry):
    caplog.set_level(logging.INFO, logger="postline.worker")
    stop = threading.Event()
    thread = threading.Thread(target=worker.run_worker, args=(app, stop), daemon=True)
    thread.start()
    try:
        # Both jobs ran at least twice: the scheduler survived the first failure.
        wait_for(lambda: recorder.booms >= 2 and recorder.ticks >= 2, "jobs to run twice")
    finally:
        stop.set()
        thread.join(JOIN_SECONDS)
    assert not thread.is_alive(), "run_worker did not return after stop"

    failures = [r for r in caplog.records if r.getMessage() == "job wtest.boom failed"]
    assert failures and failures[0].levelno == logging.ERROR
    assert "the sorting machine is on fire" in caplog.text  # the traceback is in the log
    assert "worker stopped" in caplog.text
    db.session.remove()
    codes = db.session.scalars(select(Department.code)).all()
    assert sum(code.startswith("tick-") for code in codes) >= 2
    assert not any(code.startswith("boom-") for code in codes)  # the failed job's work undone
    actors = set(db.session.scalars(select(AuditLog.actor).where(AuditLog.object_type == "department")))
    assert actors == {"job:wtest.tick"}


def test_one_scheduler_per_site_the_second_worker_waits(app, caplog, quick_retry):
    caplog.set_level(logging.INFO, logger="postline.worker")
    first_holds, release_first = threading.Event(), threading.Event()
    second_holds, release_second = threading.Event(), threading.Event()
    outcome: dict[str, bool] = {}

    def contender(name: str, stop: threading.Event, holds: threading.Event,
                  release: threading.Event) -> None:
        with worker.scheduler_lock(app, stop) as held:
            outcome[name] = held
            if held:
                holds.set()
                release.wait(JOIN_SECONDS)

    first = threading.Thread(target=contender, args=("first", threading.Event(), first_holds, release_first))
    first.start()
    assert first_holds.wait(JOIN_SECONDS)

    second = threading.Thread(target=contender, args=("second", threading.Event(), second_holds, release_second))
    second.start()
    # The second one has tried and been refused (it says so), and does not hold the lock.
    wait_for(lambda: "another worker holds" in caplog.text, "the second worker to wait")
    assert not second_holds.is_set() and "second" not in outcome

    release_first.set()
    first.join(JOIN_SECONDS)
    assert second_holds.wait(JOIN_SECONDS), "the second worker did not take over"

    # A third that is asked to stop while it waits gives up without the lock.
    caplog.clear()
    stop_third = threading.Event()
    third = threading.Thread(target=contender, args=("third", stop_third, threading.Event(), threading.Event()))
    third.start()
    wait_for(lambda: "another worker holds" in caplog.text, "the third worker to wait")
    stop_third.set()
    third.join(JOIN_SECONDS)
    release_second.set()
    second.join(JOIN_SECONDS)
    assert not any(t.is_alive() for t in (first, second, third))
    assert outcome == {"first": True, "second": True, "third": False}


def test_the_sqlite_lock_file_sits_beside_the_database(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL uses an advisory lock")
    path = worker.lock_file_path(app, db.engine)
    assert path == os.path.abspath(db.engine.url.database) + ".worker.lock"
    with worker.scheduler_lock(app, threading.Event()) as held:
        assert held and os.path.exists(path)


def test_a_worker_whose_lock_connection_drops_pauses_its_jobs_and_takes_the_lock_again(
        app, recorder, caplog, quick_retry):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the lock file of SQLite cannot be lost while the process lives")
    caplog.set_level(logging.INFO, logger="postline.worker")
    app.config["WORKER_LOCK_CHECK_SECONDS"] = 0.1
    holders = re.compile(r"this worker holds the scheduler \(PostgreSQL backend (\d+)\)")
    stop = threading.Event()
    thread = threading.Thread(target=worker.run_worker, args=(app, stop), daemon=True)
    thread.start()
    try:
        first = int(wait_for(lambda: holders.findall(caplog.text), "the worker to hold the lock")[0])
        wait_for(lambda: recorder.ticks >= 1, "a job to run")
        with db.engine.connect() as other:  # as a database restart or a network cut would
            assert other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first}).scalar()
        wait_for(lambda: "lost the scheduler lock" in caplog.text, "the worker to notice")
        pids = wait_for(lambda: holders.findall(caplog.text)[1:], "the worker to hold the lock again")
        assert int(pids[0]) != first
        lost_at = caplog.text.index("lost the scheduler lock")
        assert caplog.text.index("jobs paused", lost_at) > lost_at
        ticks = recorder.ticks
        wait_for(lambda: recorder.ticks > ticks, "the jobs to run again")
        with db.engine.connect() as other:  # the new holder really has it: nobody else can take it
            assert not other.execute(worker.TRY_LOCK, worker.LOCK_KEY).scalar()
    finally:
        stop.set()
        thread.join(JOIN_SECONDS)
    assert not thread.is_alive()
