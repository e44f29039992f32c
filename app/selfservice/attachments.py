"""The seam to the work orders' attachments: ``app.tickets.attachments.attach(order, data,
filename, actor)`` keeps a file with an order. Until that module is part of the tree the
public form offers no attachment field, so no citizen's file is accepted and then lost."""
from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from werkzeug.datastructures import FileStorage

#: What a citizen may attach: photos of a parcel, a scanned receipt.
EXTENSIONS = ("jpg", "jpeg", "png", "pdf")


def attacher() -> Callable[..., Any] | None:
    """The tickets room's ``attach``, or ``None`` while the room has none."""
    try:
        module = importlib.import_module("app.tickets.attachments")
    except ModuleNotFoundError:
        return None
    return getattr(module, "attach", None)


def keep(order: Any, upload: FileStorage | None) -> None:
    """Keep the citizen's file with the new order (nothing to do without a file)."""
    attach = attacher()
    if attach is None or upload is None or not upload.filename:
        return
    attach(order, upload.read(), upload.filename, None)
