"""Files given to a work order: a photo of the damaged parcel, a scanned receipt, the
recording of a voice message. The one way in is :func:`attach`, which the order's page, the
voice-message conversion and the self-service pages all call; nothing takes a file away.

A file is kept under the attachments folder (``TICKET_ATTACHMENTS_DIR``, default
``<instance>/attachments``) as ``<yyyy>/<mm>/<random>``: the uploader's name for it is only
shown and offered back on download, never used as a path. What the file is comes from its
bytes (:mod:`app.tickets.sniffing`); a name whose ending does not fit is given the right one,
so that ``发票.pdf.exe`` holding a PDF comes back as ``发票.pdf.exe.pdf`` and opens as a PDF.

The file is written before the row is flushed: when the caller's transaction then rolls
back, an unreferenced file stays in the folder (never served, harmless), rather than a row
whose file is missing."""
from __future__ import annotations

import hashlib
import os
import re
import secrets
import unicodedata
from pathlib import Path

from flask import Flask, current_app
from flask_babel import gettext as _

from app.auth.models import User
from app.extensions import db
from app.tickets.models import ATTACHMENT, TicketAttachment, WorkOrder
from app.tickets.sniffing import ALLOWED, sniff
from app.tickets.states import record
from app.timeutil import local, utcnow

#: Characters no file name keeps (Windows' reserved ones and path separators).
_RESERVED = re.compile(r'[<>:"/\\|?*]')
NAME_LIMIT = 120


class AttachmentRefused(ValueError):
    """The file may not be attached; ``str()`` is the sentence for the user."""


def attach(order: WorkOrder, data: bytes, filename: str, actor: User | str | None, *,
           voicemail_id: int | None = None, limit: bool = True) -> TicketAttachment:
    """Keep ``data`` (named ``filename`` by whoever gave it) with ``order`` and write the
    history entry. ``actor`` is the user, or a name when nobody is logged in (a citizen on
    the self-service pages, ``"ivr"``). ``limit=False`` skips ``TICKET_ATTACHMENT_MAX_MB``
    (a voice message is as long as the IVR allowed). Raises :class:`AttachmentRefused`
    before anything is written. Flushes, does not commit."""
    if not data:
        raise AttachmentRefused(_("The file is empty."))
    if limit and len(data) > max_bytes():
        raise AttachmentRefused(_("The file is larger than %(mb)s MB, the most an attachment may be.",
                                  mb=current_app.config["TICKET_ATTACHMENT_MAX_MB"]))
    content_type = sniff(data)
    if content_type is None:
        raise AttachmentRefused(_("Files of this kind cannot be attached. Pictures (JPEG, PNG, GIF, WebP), "
                                  "PDF, Word, Excel and PowerPoint documents and sound recordings "
                                  "(WAV, MP3, AMR) can."))
    now = utcnow()
    stored = f"{local(now):%Y/%m}/{secrets.token_hex(16)}"
    path = attachments_dir() / stored
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "xb") as out:
        out.write(data)
    user = actor if isinstance(actor, User) else None
    name = actor.username if isinstance(actor, User) else (actor or "")
    attachment = TicketAttachment(order_id=order.id, stored_name=stored,
                                  original_name=safe_name(filename, content_type),
                                  content_type=content_type, size=len(data),
                                  sha256=hashlib.sha256(data).hexdigest(), uploaded_by=name[:100],
                                  uploaded_by_id=user.id if user else None, uploaded_at=now,
                                  voicemail_id=voicemail_id)
    db.session.add(attachment)
    db.session.flush()
    entry = record(order, user, ATTACHMENT, action="attach", new=str(attachment.id),
                   text=attachment.original_name)
    entry.actor = name[:100]
    db.session.flush()
    return attachment


def max_bytes(app: Flask | None = None) -> int:
    """``TICKET_ATTACHMENT_MAX_MB`` in bytes."""
    return int(float((app or current_app).config["TICKET_ATTACHMENT_MAX_MB"]) * 1024 * 1024)


def attachments_dir(app: Flask | None = None) -> Path:
    """``TICKET_ATTACHMENTS_DIR`` (relative: inside the instance folder), default
    ``<instance>/attachments``."""
    app = app or current_app
    folder = Path(os.path.expanduser(app.config.get("TICKET_ATTACHMENTS_DIR") or "attachments"))
    return folder if folder.is_absolute() else Path(app.instance_path) / folder


def stored_path(attachment: TicketAttachment) -> Path:
    """The attachment's file, refusing a stored name that would leave the folder."""
    folder = attachments_dir().resolve()
    path = (folder / attachment.stored_name).resolve()
    if folder not in path.parents:
        raise ValueError(f"attachment {attachment.id}: {attachment.stored_name!r} is outside the folder")
    return path


def safe_name(filename: str, content_type: str) -> str:
    """The name to show and to offer on download: the last part of what the uploader sent,
    without control or direction-changing characters (``U+202E`` turns ``gpj.exe`` round)
    and the characters no file system takes; Chinese kept; ending fitting the bytes."""
    name = re.split(r"[\\/]", filename or "")[-1]
    name = unicodedata.normalize("NFC", name)
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = _RESERVED.sub("_", name).strip(" .")
    endings = ALLOWED[content_type]
    stem, ending = os.path.splitext(name)
    if ending.lower() not in endings:
        stem, ending = name, endings[0]
    return (stem[:NAME_LIMIT].rstrip(" .") or "attachment") + ending
