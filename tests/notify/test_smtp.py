"""E-mail through a real SMTP server (aiosmtpd, started by the test), with a login."""
from __future__ import annotations

import pytest

from app.notify.sending import retry_due, send
from tests.notify.conftest import REFUSED

#: The test server takes a password over plain TCP on 127.0.0.1, which aiosmtpd warns of.
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


def test_an_email_reaches_the_smtp_server(app, smtp_server):
    message = send("email", " zhang.wei@example.com ", "您的工单 20261123-00042 已办结。",
                   title="工单办理结果", about=("ticket", 42))
    assert message.status == "sent", message.error
    assert message.notifier == "core.smtp" and message.attempts == 1
    [(recipients, mail)] = smtp_server.mails
    assert recipients == ["zhang.wei@example.com"]
    assert mail["From"] == "11185@post.example.cn" and mail["To"] == "zhang.wei@example.com"
    assert str(mail["Subject"]) == "工单办理结果" or "=?utf-8?" in mail["Subject"]
    assert "".join(mail["Message-ID"].split()) == message.reference
    assert "20261123-00042" in mail.get_payload(decode=True).decode("utf-8")


def test_a_wrong_password_is_a_failure_kept_for_another_try(app, smtp_server):
    app.config["SMTP_PASSWORD"] = "wrong"
    message = send("email", "zhang.wei@example.com", "您好")
    assert message.status == "failed" and "535" in message.error
    assert message.retry_at is not None and smtp_server.mails == []


def test_a_mailbox_the_server_refuses_is_given_up_at_once(app, smtp_server):
    message = send("email", REFUSED, "您好")
    assert message.status == "failed" and "550" in message.error
    assert message.retry_at is None and message.given_up


def test_a_server_that_says_later_is_tried_again_by_the_worker(app, smtp_server):
    smtp_server.refuse_all = True
    message = send("email", "zhang.wei@example.com", "您好")
    assert message.status == "failed" and "451" in message.error and message.retry_at
    smtp_server.refuse_all = False
    assert retry_due(now=message.retry_at) == 1
    assert message.status == "sent" and message.attempts == 2
    assert len(smtp_server.mails) == 1


def test_email_is_off_without_smtp_host(app):
    app.config["SMTP_HOST"] = ""
    message = send("email", "zhang.wei@example.com", "您好")
    assert message.status == "failed" and "SMTP_HOST" in message.error
