"""Writers that work off the caller's path (counts written by a thread) say how to wait for
what they have queued, so that whoever needs the database complete can wait for all of
them: a command about to report, or the test suite before it empties the tables (a row
written after that would land in the next test)."""
from __future__ import annotations

from collections.abc import Callable

from flask import Flask

EXTENSION_KEY = "postline.background_flushes"


def register_flush(app: Flask, flush: Callable[[], None]) -> None:
    """``flush()`` returns once everything queued so far in ``app`` is written."""
    app.extensions.setdefault(EXTENSION_KEY, []).append(flush)


def flush_all(app: Flask) -> None:
    for flush in list(app.extensions.get(EXTENSION_KEY, ())):
        flush()
