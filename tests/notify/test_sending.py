"""Sending: the log comes first, the caller never sees a delivery failure, and the worker
tries a failed message again later and later, until it gives up."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app import worker
from app.extensions import db
from app.notify.models import Message
from app.notify.sending import messages_about, retry_due, send
from app.timeutil import utcnow


def test_a_failure_is_tried_again_with_a_doubling_wait_until_the_maximum(app, outbox):
    app.config.update(NOTIFY_RETRY_SECONDS=60, NOTIFY_MAX_ATTEMPTS=4)
    outbox.parent.mkdir(exist_ok=True)
    outbox.write_text("not a folder")  # every try fails
    message = send("sms", "13800138000", "您好")
    waits = []
    while message.retry_at is not None:
        waits.append(message.retry_at - message.last_attempt_at)
        assert retry_due(now=message.retry_at - timedelta(seconds=1)) == 0  # not yet
        assert retry_due(now=message.retry_at) == 1
    assert waits == [timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4)]
    assert (message.status, message.attempts, message.given_up) == ("failed", 4, True)
    assert "SMS outbox" in message.error
    assert retry_due(now=utcnow() + timedelta(days=1)) == 0  # given up stays given up


def test_an_sms_to_a_landline_fails_at_once_and_for_good(app, outbox):
    message = send("sms", "010-65000000", "您好")
    assert (message.status, message.attempts, message.retry_at) == ("failed", 0, None)
    assert "11" in message.error
    assert not outbox.exists()  # no notifier was asked


def test_a_channel_without_notifier_fails_with_the_setting_named(app, outbox):
    app.config["NOTIFY_SMS"] = ""
    off = send("sms", "13800138000", "您好")
    assert off.status == "failed" and "NOTIFY_SMS" in off.error and "off" in off.error
    app.config["NOTIFY_SMS"] = "core.smtp"  # a notifier of another channel does not serve sms
    wrong = send("sms", "13800138000", "您好")
    assert wrong.status == "failed" and "'core.smtp'" in wrong.error
    app.config["NOTIFY_SMS"] = "core.sms_outbox"  # mended: the worker sends both
    assert retry_due(now=utcnow() + timedelta(hours=1)) == 2
    assert {m.status for m in (off, wrong)} == {"queued"}


def test_an_unknown_channel_is_a_programming_error(app):
    with pytest.raises(ValueError, match="fax"):
        send("fax", "010-65000000", "您好")
    assert db.session.scalars(select(Message)).all() == []


def test_a_message_left_pending_by_a_dead_process_is_sent_by_the_worker(app, outbox):
    lost = Message(channel="sms", recipient="13800138000", text="您好", status="pending",
                   created_at=utcnow() - timedelta(minutes=11))
    fresh = Message(channel="sms", recipient="13900139000", text="您好", status="pending")
    db.session.add_all([lost, fresh])
    db.session.commit()
    assert retry_due() == 1
    assert (lost.status, fresh.status) == ("queued", "pending")


def test_messages_about_one_thing_newest_first(app, outbox):
    first = send("sms", "13800138000", "受理", about=("ticket", 42))
    second = send("sms", "13800138000", "办结", about=("ticket", "42"))
    send("sms", "13800138000", "其他", about=("ticket", 43))
    assert messages_about("ticket", 42) == [second, first]


def test_the_worker_retries_every_minute(app):
    job = worker.declared_jobs(app)["core.notify_retry"]
    assert (job.trigger, job.trigger_args) == ("interval", {"minutes": 1})


def test_who_caused_a_message_is_logged(app, outbox):
    from app.audit.acting import acting_as

    with acting_as("job:core.escalate"):
        message = send("sms", "13800138000", "工单已超时")
    assert message.created_by == "job:core.escalate"
