"""Background builds: a report asked for on the page becomes a queued :class:`ReportRun`;
the worker (or anyone calling :func:`run_report`) claims it, builds it while writing its
progress, and stores the file in the owner's inbox.

Claiming is one ``UPDATE ... WHERE status = 'queued'``: of two workers (or a worker and a
command) racing for a run, exactly one changes the row, and only that one builds it. A
build whose process died stops writing its heartbeat; :func:`requeue_stale` puts it back
in the queue, or fails it after ``REPORT_RUN_ATTEMPTS`` tries, so a run never stays
"running" for ever. Without a worker (``postline serve`` starts one, ``postline web``
alone does not), ``postline reports run-queued`` builds what is waiting."""
from __future__ import annotations

import json
import logging
import os
import socket
import time
from datetime import date, datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, or_, select, update

from app.auth.models import User
from app.auth.permissions import has_permission
from app.declarations import Attachment, Report
from app.extensions import db
from app.notify.attachments import attach_from
from app.notify.sending import send
from app.pluginhost import collect
from app.reports.excel import to_bytes
from app.reports.inbox_models import DONE, FAILED, QUEUED, RUNNING, ReportFile, ReportRun, ReportSubscription
from app.reports.progress import reporting_to
from app.timeutil import utcnow

log = logging.getLogger("postline.reports")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: Progress is written at most this often (seconds) and only when it moved by a percent:
#: a million-row export must not become a million updates.
PROGRESS_WRITE_SECONDS = 0.5
#: Runs the worker builds in one go before it lets its other jobs have a turn.
BATCH = 20


def encode_params(params: dict[str, Any]) -> str:
    """A form's values as JSON, dates and times tagged so that they come back as such."""
    def tagged(value: Any) -> Any:
        if isinstance(value, datetime):
            return {"__datetime__": value.isoformat()}
        if isinstance(value, date):
            return {"__date__": value.isoformat()}
        return value
    return json.dumps({key: tagged(value) for key, value in params.items() if key != "csrf_token"},
                      ensure_ascii=False, sort_keys=True, default=str)


def decode_params(text: str) -> dict[str, Any]:
    def untagged(value: Any) -> Any:
        if isinstance(value, dict) and "__date__" in value:
            return date.fromisoformat(value["__date__"])
        if isinstance(value, dict) and "__datetime__" in value:
            return datetime.fromisoformat(value["__datetime__"])
        return value
    return {key: untagged(value) for key, value in json.loads(text or "{}").items()}


def declared_report(name: str) -> Report | None:
    return next((report for report in collect("postline_reports") if report.name == name), None)


def queue_run(user: User, report: Report, params: dict[str, Any], *, subscription_id: int | None = None,
              period_start: date | None = None) -> ReportRun:
    """A queued run of ``report`` for ``user``, added to the session (the caller commits)."""
    run = ReportRun(user_id=user.id, report=report.name, title=str(report.title)[:200],
                    params=encode_params(params), status=QUEUED, subscription_id=subscription_id,
                    period_start=period_start)
    db.session.add(run)
    db.session.flush()
    return run


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def claim(run_id: int, by: str | None = None) -> bool:
    """Take the queued run ``run_id`` for building; False when someone else has it."""
    now = utcnow()
    taken = db.session.execute(
        update(ReportRun).where(ReportRun.id == run_id, ReportRun.status == QUEUED)
        .values(status=RUNNING, claimed_by=by or worker_name(), started_at=now, heartbeat_at=now,
                progress=0.0, attempts=ReportRun.attempts + 1)
        .execution_options(synchronize_session=False)).rowcount == 1
    db.session.commit()
    return taken


def claim_next(by: str | None = None) -> int | None:
    """The oldest queued run, claimed; None when the queue is empty."""
    while True:
        run_id = db.session.scalar(select(ReportRun.id).where(ReportRun.status == QUEUED)
                                   .order_by(ReportRun.requested_at, ReportRun.id).limit(1))
        db.session.rollback()
        if run_id is None:
            return None
        if claim(run_id, by):
            return run_id


class ProgressWriter:
    """The builder's progress callback: writes the share done and the heartbeat on a
    connection of its own (the build's session is busy reading, and the page polling in
    another process must see it at once)."""

    def __init__(self, run_id: int) -> None:
        self.run_id = run_id
        self.written = 0.0
        self.written_at = float("-inf")

    def __call__(self, share: float) -> None:
        now = time.monotonic()
        if share - self.written < 0.01 or now - self.written_at < PROGRESS_WRITE_SECONDS:
            return
        try:
            with db.engine.begin() as connection:
                connection.execute(update(ReportRun.__table__).where(ReportRun.__table__.c.id == self.run_id)
                                   .values(progress=share, heartbeat_at=utcnow()))
        except Exception:  # progress is a courtesy: a busy database must not fail the build
            log.warning("could not write the progress of report run %s", self.run_id, exc_info=True)
            return
        self.written, self.written_at = share, now


def run_report(run_id: int) -> ReportRun | None:
    """Build the queued run ``run_id`` now, in this process (the worker's job, the command,
    the tests): None when it is not queued (another process claimed it, or it is over)."""
    if not claim(run_id):
        return None
    return build_claimed(run_id)


def build_claimed(run_id: int) -> ReportRun:
    """Build a run this process has claimed, with progress; store the file or the failure."""
    run = db.session.get(ReportRun, run_id)
    assert run is not None and run.status == RUNNING, f"report run {run_id} is not claimed"
    report = declared_report(run.report)
    user = db.session.get(User, run.user_id)
    try:
        if report is None:
            raise LookupError(_("no report named %(name)s is declared (was its plugin disabled?)", name=run.report))
        if user is None or not user.active or not has_permission(user, report.permission):
            raise PermissionError(_("%(user)s may no longer download this report", user=user.username if user else "?"))
        with reporting_to(ProgressWriter(run_id)):
            body = to_bytes(report.build(decode_params(run.params)))
    except Exception as exc:  # any builder may fail in any way; the inbox says how
        db.session.rollback()
        log.exception("report run %s (%s) failed", run_id, run.report)
        return _finish(run, FAILED, error=_("The report could not be built: %(reason)s", reason=_reason(exc)))
    db.session.add(ReportFile(run_id=run.id, body=body))
    run = _finish(run, DONE, filename=file_name(run), size=len(body))
    mail_delivery(run)
    return run


def _reason(exc: BaseException) -> str:
    text = str(exc).strip()
    return text if isinstance(exc, (LookupError, PermissionError, ValueError)) and text \
        else f"{exc.__class__.__name__}: {text}"


def _finish(run: ReportRun, status: str, *, error: str = "", filename: str = "", size: int = 0) -> ReportRun:
    run = db.session.get(ReportRun, run.id)  # type: ignore[assignment]  # it was there a moment ago
    run.status, run.error, run.finished_at = status, error[:2000], utcnow()
    if status == DONE:
        run.progress, run.filename, run.size = 1.0, filename, size
    db.session.commit()
    return run


def file_name(run: ReportRun) -> str:
    params = decode_params(run.params)
    start, end = params.get("start"), params.get("end")
    if isinstance(start, date) and isinstance(end, date):
        return f"{run.report}-{start:%Y%m%d}-{end:%Y%m%d}.xlsx"
    return f"{run.report}-{run.requested_at:%Y%m%d-%H%M}.xlsx"


def file_body(run: ReportRun) -> bytes | None:
    return db.session.scalar(select(ReportFile.body).where(ReportFile.run_id == run.id))


def mail_delivery(run: ReportRun) -> None:
    """A subscription's delivery goes by e-mail too when it names an address; the message
    log (and its retries) takes it from there, the file attached."""
    if run.subscription_id is None:
        return
    subscription = db.session.get(ReportSubscription, run.subscription_id)
    if subscription is None or not subscription.email:
        return
    title = _("PostLine report: %(title)s", title=run.title)
    text = _("%(title)s (%(file)s) is attached, and in your report inbox.", title=run.title, file=run.filename)
    send("email", subscription.email, text, title=title, about=("report_run", run.id))


def _attachments_of_run(run_id: str) -> list[Attachment]:
    run = db.session.get(ReportRun, int(run_id)) if run_id.isdigit() else None
    body = file_body(run) if run is not None and run.status == DONE else None
    return [Attachment(run.filename, XLSX, body)] if run is not None and body is not None else []


attach_from("report_run", _attachments_of_run)


def requeue_stale(now: datetime | None = None) -> int:
    """Runs whose builder stopped giving signs of life: queued again, or failed after the
    last try. How many were found."""
    now = now or utcnow()
    config = current_app.config
    cutoff = now - timedelta(minutes=float(config["REPORT_RUN_TIMEOUT_MINUTES"]))
    stale = list(db.session.scalars(select(ReportRun).where(
        ReportRun.status == RUNNING,
        or_(ReportRun.heartbeat_at < cutoff, ReportRun.heartbeat_at.is_(None)))))
    for run in stale:
        if run.attempts < int(config["REPORT_RUN_ATTEMPTS"]):
            run.status, run.progress = QUEUED, 0.0
            log.warning("report run %s lost its worker %s: queued again", run.id, run.claimed_by)
        else:
            run.status, run.finished_at = FAILED, now
            run.error = _("The build stopped %(count)s times without finishing (the worker building it "
                          "stopped); ask for it again, perhaps for a shorter period.", count=run.attempts)
            log.warning("report run %s lost its worker %s: given up", run.id, run.claimed_by)
    db.session.commit()
    return len(stale)


def run_queued(limit: int = BATCH) -> int:
    """Build the queued runs, oldest first (at most ``limit``); how many were built."""
    built = 0
    while built < limit:
        run_id = claim_next()
        if run_id is None:
            break
        build_claimed(run_id)
        built += 1
    return built


def run_queued_job() -> None:
    """The worker's job: give dead builds back, then build what waits."""
    requeue_stale()
    run_queued()


def sweep(now: datetime | None = None) -> int:
    """Delete the runs (and files) older than ``REPORT_INBOX_DAYS``; how many."""
    cutoff = (now or utcnow()) - timedelta(days=int(current_app.config["REPORT_INBOX_DAYS"]))
    old = select(ReportRun.id).where(ReportRun.requested_at < cutoff, ReportRun.status.in_((DONE, FAILED)))
    ids = list(db.session.scalars(old))
    if ids:
        db.session.execute(ReportFile.__table__.delete().where(ReportFile.__table__.c.run_id.in_(ids)))
        db.session.execute(ReportRun.__table__.delete().where(ReportRun.__table__.c.id.in_(ids)))
    db.session.commit()
    return len(ids)


def sweep_job() -> None:
    sweep()


def inbox_of(user: User) -> list[ReportRun]:
    return list(db.session.scalars(select(ReportRun).where(ReportRun.user_id == user.id)
                                   .order_by(ReportRun.requested_at.desc(), ReportRun.id.desc())))


def queued_ahead(run: ReportRun) -> int:
    """Runs that will be built before this queued one."""
    return db.session.scalar(select(func.count()).select_from(ReportRun).where(
        ReportRun.status == QUEUED, ReportRun.id < run.id)) or 0
