"""The SMS outbox: each message becomes one JSON file in a folder that an SMS gateway's
adapter (a script, a modem daemon, the operator's HTTP bridge) watches and empties.

It is the notifier every gateway integration starts from: PostLine never waits on the
gateway, and the gateway needs to know nothing of PostLine but the file format. A file
appears whole or not at all (written beside its final name, then renamed); its name is the
message's id, so a retry replaces the file instead of queueing the message twice. Files
starting with ``.`` are unfinished and must be ignored by the gateway."""
from __future__ import annotations

import json
import os
from contextlib import suppress
from pathlib import Path

from flask import current_app

from app.declarations import Delivery, Outgoing
from app.timeutil import utcnow

#: Bumped when a field changes meaning; gateways check it.
FORMAT = 1


def outbox_folder() -> Path:
    """``NOTIFY_SMS_OUTBOX``, or ``<instance>/outbox/sms``; relative means inside the instance."""
    configured = current_app.config.get("NOTIFY_SMS_OUTBOX") or os.path.join("outbox", "sms")
    return Path(current_app.instance_path) / configured


def file_name(message_id: int) -> str:
    return f"sms-{message_id:010d}.json"


def send_to_outbox(outgoing: Outgoing) -> Delivery:
    folder = outbox_folder()
    name = file_name(outgoing.id)
    document = {"format": FORMAT, "id": outgoing.id, "to": outgoing.to, "text": outgoing.text,
                "written_at": utcnow().isoformat(timespec="seconds") + "Z"}
    partial = folder / f".{name}.{os.getpid()}.tmp"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with open(partial, "w", encoding="utf-8") as handle:
            json.dump(document, handle, ensure_ascii=False)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, folder / name)
    except OSError as exc:
        with suppress(OSError):
            partial.unlink(missing_ok=True)
        return Delivery.failed(f"cannot write to the SMS outbox {folder}: {exc.strerror or exc}")
    return Delivery.queued(reference=name)
