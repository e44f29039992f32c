"""Scheduled delivery: a manager's subscription builds its report for the previous whole
day, ISO week or month (the centre's calendar) into his inbox, and e-mails it when the
subscription names an address.

Each subscription is one job in the worker's persistent APScheduler store (a cron trigger
in the centre's zone, ``coalesce=True`` and no misfire grace): a delivery that fell due
while the worker was down runs once when it starts, however many fires it missed. The job
store alone cannot promise "never twice" (a worker killed after the build but before the
store moved the next run time on fires it again), so each delivery is also a row unique
per (subscription, period start): a second fire for the same period finds it and does
nothing. The jobs are kept equal to the subscriptions by :func:`sync_subscription_jobs`,
a declared job that runs every minute in the worker."""
from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from typing import Any

from apscheduler.triggers.cron import CronTrigger
from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from app.auth.models import User
from app.declarations import Report
from app.extensions import db
from app.notify.addresses import canonical, recipient_problem
from app.reports.inbox_models import DAILY, MONTHLY, WEEKLY, ReportRun, ReportSubscription
from app.reports.periods import PeriodReportForm
from app.reports.runs import declared_report, queue_run, run_report
from app.timeutil import local, utcnow

log = logging.getLogger("postline.reports")

#: The worker's view of its scheduler (set by ``app.worker.run_worker``).
SCHEDULER_EXTENSION = "postline.scheduler"
JOB_PREFIX = "reports.subscription."
#: What each subscription's job calls, by reference (the job store keeps the name).
DELIVER = "app.reports.subscriptions:deliver"

FREQUENCY_CHOICES = [SelectChoice(DAILY, _l("Daily (the previous day)")),
                     SelectChoice(WEEKLY, _l("Weekly (the previous ISO week)")),
                     SelectChoice(MONTHLY, _l("Monthly (the previous month)"))]


def subscribable(report: Report) -> bool:
    """Reports a subscription can fill in: those asking for a range of days and a queue."""
    return isinstance(report.form_class, type) and issubclass(report.form_class, PeriodReportForm)


class SubscriptionForm(FlaskForm):
    report = SelectField(_l("Report"), validators=[InputRequired()])
    queue = StringField(_l("Queue"), validators=[Optional(), Length(max=64)], description=_l("Empty: every queue"))
    frequency = SelectField(_l("Delivered"), choices=FREQUENCY_CHOICES, default=DAILY)
    email = StringField(_l("Also e-mail it to"), validators=[Optional(), Length(max=254)],
                        description=_l("Empty: the inbox only"))

    def __init__(self, reports: list[Report], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.report.choices = [SelectChoice(report.name, str(report.title)) for report in reports]

    def validate_email(self, field: StringField) -> None:
        if field.data and recipient_problem("email", canonical("email", field.data)):
            raise ValidationError(_l("This is not an e-mail address."))


def previous_period(frequency: str, today: date) -> tuple[date, date]:
    """The last whole day, ISO week (Monday to Sunday) or month before ``today``."""
    if frequency == DAILY:
        day = today - timedelta(days=1)
        return day, day
    if frequency == WEEKLY:
        monday = today - timedelta(days=today.weekday() + 7)
        return monday, monday + timedelta(days=6)
    if frequency == MONTHLY:
        last = today.replace(day=1) - timedelta(days=1)
        return last.replace(day=1), last
    raise ValueError(f"unknown frequency {frequency!r}")


def trigger_for(frequency: str) -> CronTrigger:
    """When a subscription fires: at ``REPORT_DELIVERY_HOUR`` in the centre's zone, every
    day, on Mondays, or on the 1st."""
    fields: dict[str, Any] = {"hour": int(current_app.config["REPORT_DELIVERY_HOUR"]), "minute": 0}
    if frequency == WEEKLY:
        fields["day_of_week"] = "mon"
    elif frequency == MONTHLY:
        fields["day"] = 1
    return CronTrigger(timezone=current_app.config["TIMEZONE"], **fields)


def deliver(subscription_id: int, now: datetime | None = None) -> ReportRun | None:
    """The subscription's delivery for the period before ``now``: queued, built and (when
    the subscription says so) e-mailed. None when it was delivered already, or the
    subscription or its report is gone."""
    subscription = db.session.get(ReportSubscription, subscription_id)
    if subscription is None:
        return None
    report = declared_report(subscription.report)
    user = db.session.get(User, subscription.user_id)
    if report is None or user is None:
        log.warning("subscription %s: report %s or its user is gone", subscription_id, subscription.report)
        return None
    first, last = previous_period(subscription.frequency, local(now or utcnow()).date())  # type: ignore[union-attr]
    params = {"start": first, "end": last, "period": "day", "queue": subscription.queue}
    try:
        run = queue_run(user, report, params, subscription_id=subscription.id, period_start=first)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        log.info("subscription %s: %s to %s was delivered already", subscription_id, first, last)
        return None
    return run_report(run.id)


def sync_subscription_jobs() -> None:
    """Make the scheduler's subscription jobs equal the subscriptions: add the new, drop
    the deleted, leave every other one (and its next run time) alone. Runs in the worker;
    anywhere else there is no scheduler and nothing to do."""
    scheduler = current_app.extensions.get(SCHEDULER_EXTENSION)
    if scheduler is None:
        return
    wanted = {f"{JOB_PREFIX}{sid}": (sid, frequency) for sid, frequency in
              db.session.execute(select(ReportSubscription.id, ReportSubscription.frequency))}
    have = scheduler.jobs(JOB_PREFIX)
    for job_id in set(have) - set(wanted):
        scheduler.unschedule(job_id)
    for job_id, (sid, frequency) in wanted.items():
        trigger = trigger_for(frequency)
        if have.get(job_id) != str(trigger):
            scheduler.schedule(job_id, DELIVER, trigger, [sid])


def subscriptions_of(user: User) -> list[ReportSubscription]:
    return list(db.session.scalars(select(ReportSubscription).where(ReportSubscription.user_id == user.id)
                                   .order_by(ReportSubscription.id)))
