"""Why a FastAGI conversation ended early. Each is a :class:`~app.ivr.channel.Hangup` for
the engine (stop talking to the channel); ``outcome`` says how the call record ends when it
was not the caller who left."""
from __future__ import annotations

from app.ivr.channel import Hangup


class ConnectionLost(Hangup):
    """The connection to Asterisk is gone or unusable (EOF, reset, no reply in time,
    garbage). For the engine it is a hangup: stop talking to the channel."""


class AGIProtocolError(ConnectionLost):
    """Asterisk (or whoever connected) sent something that is not AGI."""


class CallDeadline(Hangup):
    """The call reached the server's per-call deadline (``AGI_CALL_DEADLINE``); the caller
    was handed to an agent when the connection allowed it."""

    outcome = "error"  # the engine records it so (app.calls.models.ERROR), not as a hangup


class ServerStopping(Hangup):
    """The server is shutting down: the caller was handed to an agent
    (``POSTLINE_STATUS=ERROR``) and the connection closed."""

    outcome = "error"
