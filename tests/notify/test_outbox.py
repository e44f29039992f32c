"""The SMS outbox: each message one JSON file a gateway picks up, whole or not at all."""
from __future__ import annotations

import json
from pathlib import Path

from app.notify.outbox import outbox_folder
from app.notify.sending import retry_due, send


def _files(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


def test_an_sms_becomes_one_file_for_the_gateway(app, outbox):
    message = send("sms", "138-0013-8000", "您的投诉已处理：补偿 20 元。", about=("ticket", 7))
    assert message.status == "queued" and message.notifier == "core.sms_outbox"
    assert message.sent_at is not None and message.retry_at is None
    assert _files(outbox) == [message.reference]  # no temporary file left beside it
    document = json.loads((outbox / message.reference).read_text(encoding="utf-8"))
    assert document["to"] == "13800138000"
    assert document["text"] == "您的投诉已处理：补偿 20 元。"
    assert document["id"] == message.id and document["format"] == 1
    assert document["written_at"].endswith("Z")


def test_each_message_has_its_own_file_and_a_retry_replaces_it(app, outbox):
    first = send("sms", "13800138000", "一")
    second = send("sms", "13900139000", "二")
    assert len(_files(outbox)) == 2 and first.reference != second.reference


def test_an_outbox_that_cannot_be_written_fails_and_is_retried(app, outbox, tmp_path):
    outbox.parent.mkdir(exist_ok=True)
    outbox.write_text("a file where the folder should be")
    message = send("sms", "13800138000", "您好")
    assert message.status == "failed" and "SMS outbox" in message.error
    assert message.retry_at is not None

    outbox.unlink()  # the operator mends the folder; the worker tries again
    assert retry_due(now=message.retry_at) == 1
    assert message.status == "queued" and message.attempts == 2 and message.error == ""
    assert _files(outbox) == [message.reference]


def test_the_outbox_is_in_the_instance_unless_configured(app):
    app.config["NOTIFY_SMS_OUTBOX"] = ""
    assert outbox_folder() == Path(app.instance_path) / "outbox" / "sms"
    app.config["NOTIFY_SMS_OUTBOX"] = "gateway/out"
    assert outbox_folder() == Path(app.instance_path) / "gateway" / "out"
