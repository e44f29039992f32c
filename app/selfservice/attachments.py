"""A citizen's file goes to the work orders' attachments (``app.tickets.attachments``): the
same sniffing of the bytes, size limit, storage and history entry as for staff uploads."""
from __future__ import annotations

from werkzeug.datastructures import FileStorage

from app.tickets.attachments import attach
from app.tickets.models import WorkOrder

#: What a citizen may attach: photos of a parcel, a scanned receipt.
EXTENSIONS = ("jpg", "jpeg", "png", "pdf")


def keep(order: WorkOrder, upload: FileStorage | None, citizen: str) -> None:
    """Keep the citizen's file with the new order (nothing to do without a file). Raises
    ``AttachmentRefused`` before anything is written: the caller rolls back."""
    if upload is None or not upload.filename:
        return
    attach(order, upload.read(), upload.filename, citizen)
