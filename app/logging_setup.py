"""One log format for every role (web, agi, worker, and ``postline serve`` over them), set
up once per process by the role's command:

    2026-12-01 10:00:00,123 INFO agi postline.ivr [1700000000.42] call from *******0002 ...

time, level, the process's role, the logger, the call's Asterisk ``uniqueid`` ("-" outside
a call), the message. The AGI server sets :data:`current_uniqueid` for the thread of each
call, so whoever logs inside a call (the protocol, the engine, a plugin's node) gets the
call's id without passing it; a record may also carry its own ``uniqueid`` (``call.log``).

Here, at the bottom of the layers, so that every room may use it: it imports nothing of
PostLine."""
from __future__ import annotations

import contextvars
import logging
import sys
from collections.abc import Mapping
from typing import IO

FORMAT = "%(asctime)s %(levelname)s %(role)s %(name)s [%(uniqueid)s] %(message)s"

#: The uniqueid of the call the current thread serves ("-" outside a call).
current_uniqueid: contextvars.ContextVar[str] = contextvars.ContextVar("postline_uniqueid",
                                                                       default="-")
_role = "-"


class ContextFilter(logging.Filter):
    """Gives every record the process's ``role`` and the current call's ``uniqueid``
    (unless it carries its own), so that :data:`FORMAT` works for every logger."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "uniqueid"):
            record.uniqueid = current_uniqueid.get()
        if not hasattr(record, "role"):
            record.role = _role
        return True


def style(handler: logging.Handler) -> logging.Handler:
    """``handler`` with PostLine's format and the filter that feeds it (idempotent)."""
    handler.setFormatter(logging.Formatter(FORMAT))
    if not any(isinstance(f, ContextFilter) for f in handler.filters):
        handler.addFilter(ContextFilter())
    return handler


def configure_logging(role: str, level: str = "INFO", levels: Mapping[str, str] | None = None,
                      stream: IO[str] | None = None) -> None:
    """Log ``level`` and above to stderr (or ``stream``) in :data:`FORMAT` as ``role``;
    ``levels`` sets single loggers apart (``{"postline.agi": "DEBUG"}``). Calling it again
    changes the role and the levels, never adds a second handler."""
    global _role
    _role = role
    root = logging.getLogger()
    ours = [h for h in root.handlers if getattr(h, "postline", False)]
    if not ours:
        handler = logging.StreamHandler(stream or sys.stderr)
        handler.postline = True  # type: ignore[attr-defined]
        root.addHandler(handler)
        ours = [handler]
    elif stream is not None:
        ours[0].setStream(stream)  # type: ignore[attr-defined]
    for handler in ours:
        style(handler)
    root.setLevel(level.upper())
    for name, value in (levels or {}).items():
        logging.getLogger(name).setLevel(str(value).upper())
