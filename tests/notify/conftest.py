"""The notify room's fixtures: an SMS outbox in a temporary folder, and a real SMTP server
(aiosmtpd) on a free local port that keeps what it receives."""
from __future__ import annotations

import socket
from collections.abc import Iterator
from email import message_from_bytes
from email.message import Message as EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

SMTP_USER, SMTP_PASSWORD = "postline", "s3cret"
REFUSED = "nobody@example.com"


class Mailbox:
    """What the server received; ``refuse_all`` makes it answer 451 to every mail."""

    def __init__(self) -> None:
        self.mails: list[tuple[list[str], EmailMessage]] = []
        self.refuse_all = False

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == REFUSED:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.refuse_all:
            return "451 4.3.0 try again later"
        self.mails.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content)))
        return "250 Message accepted"


def _authenticate(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and \
        (auth_data.login, auth_data.password) == (SMTP_USER.encode(), SMTP_PASSWORD.encode())
    return AuthResult(success=ok, handled=False)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(app) -> Iterator[Mailbox]:
    """A running SMTP server that requires a login, and the app configured to use it."""
    mailbox = Mailbox()
    port = _free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port, authenticator=_authenticate,
                            auth_required=True, auth_require_tls=False)
    controller.start()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_STARTTLS=False, SMTP_USER=SMTP_USER,
                      SMTP_PASSWORD=SMTP_PASSWORD, SMTP_FROM="11185@post.example.cn", SMTP_TIMEOUT=5)
    yield mailbox
    controller.stop()


@pytest.fixture
def outbox(app, tmp_path: Path) -> Path:
    folder = tmp_path / "outbox"
    app.config["NOTIFY_SMS_OUTBOX"] = str(folder)
    return folder
