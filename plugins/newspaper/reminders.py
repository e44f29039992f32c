"""The renewal reminder: a text message to each subscriber whose subscription ends within
``reminder_days`` (a setting), once per subscription, unless it was cancelled or already
renewed (a later subscription of the same title for the same subscriber).

Sent with ``api.send_message`` through whatever SMS notifier the site chose (the
``postline_notifiers`` hook); the message log keeps each one with the subscription as its
subject. ``reminded_at`` is set in the same transaction as the message is logged, so a
second run the same day, or the next day, sends nothing again."""
from __future__ import annotations

from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import aliased

from app import api

from .models import ACTIVE, NewspaperSubscription
from .orders import today

PLUGIN = "newspaper"
SUBJECT = "newspaper_subscription"


def due() -> list[NewspaperSubscription]:
    """Active subscriptions ending within the setting's days, never reminded, not renewed."""
    days = int(api.get_setting(PLUGIN, "reminder_days"))
    first_unserved = today() + timedelta(days=days)
    later = aliased(NewspaperSubscription)
    renewed = (select(later.id).where(later.subscriber_id == NewspaperSubscription.subscriber_id,
                                      later.title_id == NewspaperSubscription.title_id,
                                      later.status == ACTIVE, later.start >= NewspaperSubscription.end)
               .exists())
    return list(api.db.session.scalars(
        select(NewspaperSubscription)
        .where(NewspaperSubscription.status == ACTIVE, NewspaperSubscription.reminded_at.is_(None),
               NewspaperSubscription.end > today(), NewspaperSubscription.end <= first_unserved, ~renewed)
        .order_by(NewspaperSubscription.end, NewspaperSubscription.id)))


def send_reminders() -> int:
    """The job: one message per due subscription; returns how many were sent or queued."""
    sent = 0
    for subscription in due():
        title, subscriber = subscription.title, subscription.subscriber
        last_day = subscription.end - timedelta(days=1)
        text = _("China Post: your subscription to %(title)s (issuing code %(code)s) ends on %(day)s. "
                 "Call 11185 to renew.", title=title.title, code=title.code, day=last_day.isoformat())
        subscription.reminded_at = api.utcnow()
        if subscriber.phone_digits:
            api.send_message("sms", subscriber.phone_digits, text, about=(SUBJECT, subscription.id))
            sent += 1
        api.db.session.commit()
    return sent
