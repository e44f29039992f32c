"""One call is one thread among hundreds: every log line of it carries the call's Asterisk
``uniqueid``, whoever logs (the protocol, the engine, a plugin's node through
``call.log``), so that a support engineer can follow one caller through the log."""
from __future__ import annotations

import logging
from collections.abc import MutableMapping
from typing import Any

from app import logging_setup

#: The uniqueid of the call the current thread serves ("-" outside a call): the AGI server
#: sets it, the log filter of :mod:`app.logging_setup` puts it on every record.
current_uniqueid = logging_setup.current_uniqueid
#: The filter that puts the call's uniqueid (and the process's role) on every record.
CallIdFilter = logging_setup.ContextFilter


class CallLog(logging.LoggerAdapter):
    """A logger with the call's ``uniqueid`` on every record."""

    def process(self, msg: Any, kwargs: MutableMapping[str, Any]) -> tuple[Any, MutableMapping[str, Any]]:
        kwargs["extra"] = {**(self.extra or {}), **kwargs.get("extra", {})}
        return msg, kwargs


def call_log(logger: logging.Logger, uniqueid: str) -> CallLog:
    return CallLog(logger, {"uniqueid": uniqueid or "-"})


def configure_logging(agi_level: str = "INFO") -> None:
    """The agi role's logging: INFO in the common format, the call's uniqueid on every
    line; ``AGI_LOG_LEVEL=DEBUG`` shows the protocol (commands and replies, secrets masked)
    for ``postline.agi`` only."""
    logging_setup.configure_logging("agi", "INFO", {"postline.agi": agi_level})
