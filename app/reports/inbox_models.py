"""The report inbox: each build of a report a person asked for (or a subscription
delivered), its state while the worker builds it, and the finished file.

Files are kept in the database (:class:`ReportFile`, one row per run, apart from the run
so that listing an inbox never reads a file): every web process, worker and host of a
multi-process site reaches them with no shared folder to mount, they are backed up with
the rest of the centre's data, and a run and its file are saved in one transaction, so a
run marked ``done`` always has its file. An inbox holds days, not years
(``REPORT_INBOX_DAYS``), which keeps the table small.

A delivery is one run per (subscription, period start): the unique constraint is what
makes a delivery that two scheduler fires (a restart, a misfire) ask for happen once."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column

from app.extensions import db
from app.timeutil import utcnow

QUEUED = "queued"
RUNNING = "running"
DONE = "done"
FAILED = "failed"
RUN_STATUSES = (QUEUED, RUNNING, DONE, FAILED)

DAILY = "daily"
WEEKLY = "weekly"
MONTHLY = "monthly"
FREQUENCIES = (DAILY, WEEKLY, MONTHLY)


class ReportSubscription(db.Model):
    """A manager's standing order: report ``report`` for ``queue`` (empty: all) every
    day, week or month, for the previous whole one; e-mailed too when ``email`` is set."""

    __tablename__ = "report_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    report: Mapped[str] = mapped_column(String(100))
    queue: Mapped[str] = mapped_column(String(64), default="")
    frequency: Mapped[str] = mapped_column(String(16))
    email: Mapped[str] = mapped_column(String(254), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReportRun(db.Model):
    __tablename__ = "report_runs"
    __table_args__ = (
        UniqueConstraint("subscription_id", "period_start", name="uq_report_runs_delivery"),
        Index("ix_report_runs_status", "status", "requested_at"),
        Index("ix_report_runs_user", "user_id", "requested_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    report: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(200), default="")
    #: The form's values as JSON (dates tagged, see :mod:`app.reports.runs`).
    params: Mapped[str] = mapped_column(Text, default="{}")
    status: Mapped[str] = mapped_column(String(16), default=QUEUED)
    #: 0 to 1, written by the builder's progress calls while running.
    progress: Mapped[float] = mapped_column(default=0.0)
    error: Mapped[str] = mapped_column(Text, default="")
    attempts: Mapped[int] = mapped_column(default=0)
    claimed_by: Mapped[str] = mapped_column(String(100), default="")
    filename: Mapped[str] = mapped_column(String(200), default="")
    size: Mapped[int] = mapped_column(default=0)
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(default=None)
    #: The last sign of life of the build (its start or a progress write): a run whose
    #: worker died stops moving, and is queued again or failed after REPORT_RUN_TIMEOUT_MINUTES.
    heartbeat_at: Mapped[datetime | None] = mapped_column(default=None)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)
    subscription_id: Mapped[int | None] = mapped_column(
        ForeignKey("report_subscriptions.id", ondelete="SET NULL"), default=None)
    period_start: Mapped[date | None] = mapped_column(default=None)


class ReportFile(db.Model):
    __tablename__ = "report_files"

    run_id: Mapped[int] = mapped_column(ForeignKey("report_runs.id", ondelete="CASCADE"), primary_key=True)
    body: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
