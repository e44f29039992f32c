"""Telling the rooms and plugins what Asterisk said: every AMI event the worker receives
goes through :func:`dispatch`, in order, to ``postline_ami_event``."""
from __future__ import annotations

from collections.abc import Mapping

from app.declarations import AmiEvent
from app.pluginhost import notify
from app.timeutil import utcnow


def dispatch(headers: Mapping[str, str]) -> AmiEvent:
    """Tell ``postline_ami_event`` of the event whose headers are ``headers`` (its
    ``Event`` header is its name). A failing listener is logged and skipped."""
    event = AmiEvent(name=str(headers.get("Event", "")), headers={str(k): str(v) for k, v in headers.items()},
                     received_at=utcnow())
    notify("postline_ami_event", event=event)
    return event
