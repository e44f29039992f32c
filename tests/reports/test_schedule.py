"""Scheduled delivery: a manager's subscription is a job in the worker's persistent
APScheduler store; a delivery that fell due while the worker was down runs once when it
starts, and never twice (even when the job store did not learn that it ran); the file lands
in the inbox and goes by e-mail, attached, when SMTP is configured."""
from __future__ import annotations

import io
import threading
from datetime import date, datetime, timedelta, timezone

import pytest
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from openpyxl import load_workbook
from sqlalchemy import select

from app import worker
from app.extensions import db
from app.notify.models import Message
from app.notify.sending import retry_due
from app.reports import subscriptions
from app.reports.inbox_models import ReportRun, ReportSubscription
from app.reports.periods import today
from app.testing import submit
from tests.notify.conftest import smtp_server  # noqa: F401  (the fixture)

from cli_support import wait_for

pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


@pytest.mark.parametrize("frequency, on, first, last", [
    ("daily", date(2026, 12, 1), date(2026, 11, 30), date(2026, 11, 30)),
    ("weekly", date(2026, 12, 2), date(2026, 11, 23), date(2026, 11, 29)),    # a Wednesday
    ("weekly", date(2026, 11, 30), date(2026, 11, 23), date(2026, 11, 29)),   # a Monday
    ("weekly", date(2027, 1, 4), date(2026, 12, 28), date(2027, 1, 3)),       # ISO week 2026-W53
    ("monthly", date(2026, 12, 1), date(2026, 11, 1), date(2026, 11, 30)),
    ("monthly", date(2026, 1, 20), date(2025, 12, 1), date(2025, 12, 31)),
])
def test_the_period_delivered_is_the_previous_whole_one(frequency, on, first, last):
    assert subscriptions.previous_period(frequency, on) == (first, last)


@pytest.fixture
def manager(make_user):
    return make_user("manager", username="li.manager")


def subscribe(client, **fields) -> object:
    return submit(client, "/reports/inbox/subscriptions",
                  {"report": "call-summary", "queue": "", "frequency": "daily", "email": "", **fields},
                  page="/reports/inbox/")


def test_subscribing_on_the_inbox_page_with_errors_in_chinese(app, manager, make_user, client_for):
    client = client_for(manager)
    page = client.get("/reports/inbox/").get_data(as_text=True)
    assert "定时投递" in page and 'value="call-summary"' in page
    assert 'value="calls.outcomes"' not in page   # it asks for other parameters than a period
    bad = subscribe(client, email="li.manager(at)example")
    assert bad.status_code == 400 and "这不是有效的电子邮件地址" in bad.get_data(as_text=True)
    unknown = subscribe(client, report="no-such-report")
    assert unknown.status_code == 400 and 'role="alert"' in unknown.get_data(as_text=True)
    assert db.session.scalars(select(ReportSubscription)).all() == []

    assert subscribe(client, frequency="weekly", queue="q-post", email="li@example.com").status_code == 302
    [saved] = db.session.scalars(select(ReportSubscription)).all()
    assert (saved.user_id, saved.report, saved.frequency, saved.queue, saved.email) == (
        manager.id, "call-summary", "weekly", "q-post", "li@example.com")
    assert "每周" in client.get("/reports/inbox/").get_data(as_text=True)

    # A team lead reads reports but does not subscribe.
    teamlead = client_for(make_user("teamlead"))
    assert "定时投递" not in teamlead.get("/reports/inbox/").get_data(as_text=True)
    assert subscribe(teamlead).status_code == 403


def _job_id(subscription: ReportSubscription) -> str:
    return f"{worker.ROOM_SCHEDULED_PREFIX}{subscriptions.JOB_PREFIX}{subscription.id}"


def _runs_of(subscription: ReportSubscription) -> list[ReportRun]:
    db.session.expire_all()
    return list(db.session.scalars(select(ReportRun).where(ReportRun.subscription_id == subscription.id)))


def _worker_was_down(app, job_id: str, days: int) -> None:
    """As if the worker had been stopped ``days`` ago: the stored job's next run is then.
    Written to the job store with no scheduler running (a scheduler shut down while its
    job is due consumes the fire without running it, which is not what is tested here)."""
    store = SQLAlchemyJobStore(engine=db.engine, tablename="apscheduler_jobs")
    store.start(worker.make_scheduler(app), "default")
    job = store.lookup_job(job_id)
    job._modify(next_run_time=datetime.now(timezone.utc) - timedelta(days=days))
    store.update_job(job)


def _start_worker_scheduler(app, job_id: str) -> int:
    """Start a scheduler over the stored jobs, as the worker does, until the job has run and
    its next run is in the future again; how many times it ran."""
    ran: list[int] = []
    done = threading.Event()

    def listen(event) -> None:
        if event.job_id == job_id:
            ran.append(event.code)
            done.set()

    scheduler = worker.make_scheduler(app)
    scheduler.add_listener(listen, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
    scheduler.start()
    try:
        wait_for(done.is_set, "the subscription's job to run")
        wait_for(lambda: scheduler.get_job(job_id).next_run_time > datetime.now(timezone.utc),
                 "the job store to move on to the next delivery")
    finally:
        scheduler.shutdown(wait=True)
    assert set(ran) == {EVENT_JOB_EXECUTED}
    return len(ran)


def test_a_delivery_due_while_the_worker_was_down_runs_once_on_start_never_twice(
        app, manager, client_for, monkeypatch):
    monkeypatch.setattr(worker, "_worker_app", app)
    assert subscribe(client_for(manager)).status_code == 302
    [subscription] = db.session.scalars(select(ReportSubscription)).all()
    job_id = _job_id(subscription)

    # The worker schedules it (its every-minute job), in the persistent store, and its own
    # sync of the declared jobs leaves it there.
    scheduler = worker.make_scheduler(app)
    scheduler.start(paused=True)
    app.extensions[subscriptions.SCHEDULER_EXTENSION] = worker.RoomScheduler(scheduler)
    try:
        subscriptions.sync_subscription_jobs()
        worker.sync_jobs(scheduler, worker.declared_jobs(app))
        job = scheduler.get_job(job_id)
        assert job is not None and job.coalesce and job.misfire_grace_time is None
        assert job.func_ref == "app.worker:run_scheduled"
        assert job.args == ("app.reports.subscriptions:deliver", subscription.id)
        assert str(job.trigger) == "cron[hour='6', minute='0']"
        subscriptions.sync_subscription_jobs()   # unchanged: kept as it is
        assert scheduler.get_job(job_id).next_run_time == job.next_run_time
    finally:
        app.extensions.pop(subscriptions.SCHEDULER_EXTENSION)
        scheduler.shutdown(wait=False)
    db.session.commit()

    # Three daily deliveries fell due while the worker was down: one runs when it starts.
    _worker_was_down(app, job_id, days=3)
    assert _start_worker_scheduler(app, job_id) == 1
    [run] = _runs_of(subscription)
    yesterday = today() - timedelta(days=1)
    assert run.status == "done" and run.user_id == manager.id and run.period_start == yesterday
    assert run.filename == f"call-summary-{yesterday:%Y%m%d}-{yesterday:%Y%m%d}.xlsx"

    # The worker died after that delivery, before the job store learnt of it: the job fires
    # again on the next start, and the (subscription, period) row keeps it from delivering twice.
    _worker_was_down(app, job_id, days=1)
    assert _start_worker_scheduler(app, job_id) == 1
    assert [r.id for r in _runs_of(subscription)] == [run.id]
    assert subscriptions.deliver(subscription.id) is None

    # The subscription ended: its job goes at the next sync.
    db.session.delete(db.session.get(ReportSubscription, subscription.id))
    db.session.commit()
    scheduler = worker.make_scheduler(app)
    scheduler.start(paused=True)
    app.extensions[subscriptions.SCHEDULER_EXTENSION] = worker.RoomScheduler(scheduler)
    try:
        subscriptions.sync_subscription_jobs()
        assert scheduler.get_job(job_id) is None
    finally:
        app.extensions.pop(subscriptions.SCHEDULER_EXTENSION)
        scheduler.shutdown(wait=False)


def test_a_worker_stopped_while_paused_keeps_a_due_delivery_due(app, manager, client_for):
    """A worker that lost its lock pauses its jobs; stopped then, the delivery that fell due
    in the pause must still be due at the next start (APScheduler's last round after shutdown
    would otherwise move it on without running it)."""
    assert subscribe(client_for(manager)).status_code == 302
    [subscription] = db.session.scalars(select(ReportSubscription)).all()
    scheduler = worker.make_scheduler(app)
    scheduler.start(paused=True)
    app.extensions[subscriptions.SCHEDULER_EXTENSION] = worker.RoomScheduler(scheduler)
    try:
        subscriptions.sync_subscription_jobs()
        due = datetime.now(timezone.utc) - timedelta(hours=1)
        scheduler.modify_job(_job_id(subscription), next_run_time=due)   # wakes the paused loop
    finally:
        app.extensions.pop(subscriptions.SCHEDULER_EXTENSION)
        scheduler.shutdown(wait=True)
    store = SQLAlchemyJobStore(engine=db.engine, tablename="apscheduler_jobs")
    store.start(worker.make_scheduler(app), "default")
    assert store.lookup_job(_job_id(subscription)).next_run_time == due
    assert _runs_of(subscription) == []


def test_a_delivery_is_emailed_with_the_file_attached(app, manager, client_for, smtp_server):  # noqa: F811
    assert subscribe(client_for(manager), frequency="monthly", email="li.manager@example.com").status_code == 302
    [subscription] = db.session.scalars(select(ReportSubscription)).all()
    smtp_server.refuse_all = True   # the first try fails; the retry must carry the file too
    run = subscriptions.deliver(subscription.id)
    first = today().replace(day=1) - timedelta(days=1)
    assert run.status == "done" and run.period_start == first.replace(day=1)
    [message] = db.session.scalars(select(Message)).all()
    assert message.status == "failed" and message.subject_type == "report_run"
    smtp_server.refuse_all = False
    assert retry_due(now=message.retry_at) == 1

    [(recipients, mail)] = smtp_server.mails
    assert recipients == ["li.manager@example.com"]
    assert "PostLine 报表" in str(mail["Subject"]) or "=?utf-8?" in mail["Subject"]
    [attachment] = [part for part in mail.walk() if part.get_filename()]
    assert attachment.get_filename() == run.filename
    assert attachment.get_content_type() == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(attachment.get_payload(decode=True))).worksheets[0]
    assert sheet.cell(row=1, column=1).value == "话务汇总"
