"""One call is one thread among hundreds: every log line of it carries the call's Asterisk
``uniqueid``, whoever logs (the protocol, the engine, a plugin's node through
``call.log``), so that a support engineer can follow one caller through the log."""
from __future__ import annotations

import contextvars
import logging
from collections.abc import MutableMapping
from typing import Any

#: The uniqueid of the call the current thread serves ("-" outside a call); the AGI server
#: sets it, :class:`CallIdFilter` puts it on every log record.
current_uniqueid: contextvars.ContextVar[str] = contextvars.ContextVar("postline_uniqueid",
                                                                       default="-")


class CallIdFilter(logging.Filter):
    """Gives every record a ``uniqueid`` attribute (the current call's, or "-"), so one
    format string ``[%(uniqueid)s]`` works for every logger."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "uniqueid"):
            record.uniqueid = current_uniqueid.get()
        return True


class CallLog(logging.LoggerAdapter):
    """A logger with the call's ``uniqueid`` on every record."""

    def process(self, msg: Any, kwargs: MutableMapping[str, Any]) -> tuple[Any, MutableMapping[str, Any]]:
        kwargs["extra"] = {**(self.extra or {}), **kwargs.get("extra", {})}
        return msg, kwargs


def call_log(logger: logging.Logger, uniqueid: str) -> CallLog:
    return CallLog(logger, {"uniqueid": uniqueid or "-"})


def configure_logging(agi_level: str = "INFO") -> None:
    """INFO to stderr with the call's uniqueid on every line; ``AGI_LOG_LEVEL=DEBUG`` shows
    the protocol (commands and replies, secrets masked) for ``postline.agi`` only."""
    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s [%(uniqueid)s] %(message)s")
    logging.getLogger("postline.agi").setLevel(agi_level.upper())
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, CallIdFilter) for f in handler.filters):
            handler.addFilter(CallIdFilter())
