"""E-mail through the site's SMTP server (``SMTP_HOST`` and friends, see
``docs/notifications.md``); e-mail is off while ``SMTP_HOST`` is empty.

The server's answer decides what happens next: a 5xx refusal of the recipient is permanent
(a retry would be refused again), anything else (a timeout, a 4xx, a dropped connection)
is worth another try later."""
from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app

from app.declarations import Delivery, Outgoing

DEFAULT_TITLE = "PostLine"


def send_email(outgoing: Outgoing) -> Delivery:
    config = current_app.config
    host = (config.get("SMTP_HOST") or "").strip()
    if not host:
        return Delivery.failed("e-mail is off: SMTP_HOST is not set")
    sender = config.get("SMTP_FROM") or config.get("SMTP_USER") or f"postline@{host}"
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = outgoing.to
    mail["Subject"] = outgoing.title or DEFAULT_TITLE
    mail["Date"] = formatdate(localtime=False)
    message_id = make_msgid(idstring=f"postline.{outgoing.id}", domain=sender.rpartition("@")[2] or None)
    mail["Message-ID"] = message_id
    mail.set_content(outgoing.text, charset="utf-8")
    for attachment in outgoing.attachments:
        maintype, _slash, subtype = attachment.content_type.partition("/")
        mail.add_attachment(attachment.data, maintype=maintype, subtype=subtype or "octet-stream",
                            filename=attachment.filename)
    try:
        with smtplib.SMTP(host, int(config.get("SMTP_PORT") or 25),
                          timeout=float(config.get("SMTP_TIMEOUT") or 30)) as server:
            if config.get("SMTP_STARTTLS"):
                server.starttls(context=ssl.create_default_context())
            if config.get("SMTP_USER"):
                server.login(config["SMTP_USER"], config.get("SMTP_PASSWORD") or "")
            server.send_message(mail)
    except smtplib.SMTPRecipientsRefused as exc:
        code, answer = next(iter(exc.recipients.values()))
        return Delivery.failed(f"the SMTP server refused {outgoing.to}: {code} {_text(answer)}",
                               permanent=code >= 500)
    except smtplib.SMTPResponseException as exc:
        return Delivery.failed(f"SMTP error {exc.smtp_code}: {_text(exc.smtp_error)}")
    except (smtplib.SMTPException, OSError) as exc:
        return Delivery.failed(f"cannot send through {host}: {exc.__class__.__name__}: {exc}")
    return Delivery.sent(reference=message_id)


def _text(answer: bytes | str) -> str:
    return answer.decode("utf-8", "replace") if isinstance(answer, bytes) else str(answer)
