"""Sending a message: log it, hand it to the channel's notifier, record what came back.

:func:`send` never raises for a delivery problem: a message that could not go out is a
``failed`` row with its reason, retried by the worker (:func:`retry_due_job`) after a delay
that doubles with each try (``NOTIFY_RETRY_SECONDS``, then twice that...) until
``NOTIFY_MAX_ATTEMPTS`` tries have been made. A recipient that cannot receive on the
channel (an SMS to a landline) fails at once and for good: no retry would help.

:func:`send` commits the database session (the log must be saved before the notifier is
asked, so that a crash mid-send leaves a trace): callers commit their own change first."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from flask import current_app, has_request_context
from flask_login import current_user
from sqlalchemy import or_, select

from app.audit.acting import current_actor
from app.declarations import Delivery, Notifier, Outgoing
from app.extensions import db
from app.notify.addresses import CHANNELS, canonical, recipient_problem
from app.notify.attachments import attachments_for
from app.notify.models import FAILED, PENDING, QUEUED, SENT, Message
from app.pluginhost import collect
from app.timeutil import utcnow

log = logging.getLogger("postline.notify")

#: The setting naming each channel's notifier.
CHANNEL_SETTINGS = {"sms": "NOTIFY_SMS", "email": "NOTIFY_EMAIL"}
#: A message still ``pending`` this long after it was logged lost its process mid-send.
STALE_PENDING = timedelta(minutes=10)
#: Messages the worker tries per run, so that a long outage does not make one long run.
BATCH = 200


def send(channel: str, to: str, text: str, *, about: tuple[str, Any] | None = None,
         title: str = "") -> Message:
    """Send ``text`` to ``to`` on ``channel`` (``"sms"`` or ``"email"``); ``about`` is what
    it concerns (``("ticket", 42)``), ``title`` an e-mail's subject. Returns the logged
    message with its status. An unknown channel is a programming error (``ValueError``)."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}; one of {', '.join(CHANNELS)}")
    subject_type, subject_id = about if about else ("", "")
    message = Message(channel=channel, recipient=canonical(channel, to)[:254], text=text,
                      title=title[:200], status=PENDING, subject_type=str(subject_type)[:32],
                      subject_id=str(subject_id)[:64], created_by=_actor()[:100])
    db.session.add(message)
    problem = recipient_problem(channel, message.recipient)
    if problem:
        _record(message, Delivery.failed(problem, permanent=True), counted=False)
        return message
    db.session.commit()
    return attempt(message)


def attempt(message: Message) -> Message:
    """One try of ``message`` through its channel's notifier; the outcome is committed."""
    notifier = chosen_notifier(message.channel)
    if notifier is None:
        setting = CHANNEL_SETTINGS[message.channel]
        name = current_app.config.get(setting) or ""
        reason = (f"{setting} names no notifier: {message.channel} is off" if not name
                  else f"{setting} = {name!r}, but no enabled plugin declares a {message.channel} "
                       "notifier of that name")
        return _record(message, Delivery.failed(reason))
    message.notifier = notifier.name
    outgoing = Outgoing(id=message.id, channel=message.channel, to=message.recipient,
                        text=message.text, title=message.title,
                        attachments=attachments_for(message.subject_type, message.subject_id))
    try:
        delivery = notifier.send(outgoing)
    except Exception as exc:  # a notifier may fail in any way; the log says how
        log.exception("notifier %s failed on message %s", notifier.name, message.id)
        delivery = Delivery.failed(f"{exc.__class__.__name__}: {exc}")
    if not isinstance(delivery, Delivery) or delivery.status not in (SENT, QUEUED, FAILED):
        delivery = Delivery.failed(f"notifier {notifier.name} answered {delivery!r}, not a Delivery")
    return _record(message, delivery)


def chosen_notifier(channel: str) -> Notifier | None:
    """The notifier the site's setting names for ``channel``, if one serves that channel."""
    name = current_app.config.get(CHANNEL_SETTINGS[channel]) or ""
    for notifier in collect("postline_notifiers"):
        if notifier.name == name and notifier.channel == channel:
            return notifier
    return None


def retry_delay(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed try: the base, doubled each time."""
    base = float(current_app.config["NOTIFY_RETRY_SECONDS"])
    return timedelta(seconds=base * 2 ** max(0, attempts - 1))


def due(now: datetime | None = None) -> list[Message]:
    """Failed messages whose retry time has come, and pending ones a dead process left."""
    now = now or utcnow()
    return list(db.session.scalars(
        select(Message).where(or_(
            (Message.status == FAILED) & (Message.retry_at <= now),
            (Message.status == PENDING) & (Message.created_at < now - STALE_PENDING)))
        .order_by(Message.id).limit(BATCH)))


def retry_due(now: datetime | None = None) -> int:
    """Try every due message once more; how many were tried."""
    messages = due(now)
    for message in messages:
        attempt(message)
    if messages:
        log.info("retried %d message(s)", len(messages))
    return len(messages)


def retry_due_job() -> None:
    """The worker's job (it runs in an app context)."""
    retry_due()


def _record(message: Message, delivery: Delivery, counted: bool = True) -> Message:
    now = utcnow()
    if counted:
        message.attempts = (message.attempts or 0) + 1
        message.last_attempt_at = now
    message.status = delivery.status
    message.error = delivery.reason if delivery.status == FAILED else ""
    if delivery.reference:
        message.reference = delivery.reference[:200]
    if delivery.status in (SENT, QUEUED):
        message.sent_at, message.retry_at = now, None
    elif delivery.permanent or message.attempts >= int(current_app.config["NOTIFY_MAX_ATTEMPTS"]):
        message.retry_at = None
    else:
        message.retry_at = now + retry_delay(message.attempts)
    db.session.commit()
    if delivery.status == FAILED:
        log.warning("message %s (%s) failed%s: %s", message.id, message.channel,
                    "" if message.retry_at else ", given up", delivery.reason)
    return message


def _actor() -> str:
    """Who caused the message: the person on the page, else the job or command."""
    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user.username
    return current_actor() or "system"


def messages_about(subject_type: str, subject_id: Any) -> list[Message]:
    """The messages sent about one thing (a work order's page shows them), newest first."""
    return list(db.session.scalars(
        select(Message).where(Message.subject_type == subject_type,
                              Message.subject_id == str(subject_id))
        .order_by(Message.id.desc())))
