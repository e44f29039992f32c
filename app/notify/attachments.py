"""Files that go with a message, found through what the message is about.

The message log keeps the text, not the files: a room that sends a file registers a loader
for its subject type (``attach_from("report_run", loader)``), and every try of a message
about such a subject (the first and each retry) asks the loader again, so a retry carries
the file as the first try did, and nothing is stored twice. A loader answers ``[]`` when
the file is gone."""
from __future__ import annotations

from collections.abc import Callable

from app.declarations import Attachment

Loader = Callable[[str], list[Attachment]]

_loaders: dict[str, Loader] = {}


def attach_from(subject_type: str, loader: Loader) -> None:
    """Messages about ``subject_type`` carry the files ``loader(subject_id)`` gives."""
    _loaders[subject_type] = loader


def attachments_for(subject_type: str, subject_id: str) -> tuple[Attachment, ...]:
    loader = _loaders.get(subject_type)
    return tuple(loader(subject_id)) if loader is not None and subject_id else ()
