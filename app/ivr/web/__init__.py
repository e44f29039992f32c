"""The IVR's web pages: flows (list, readable tree, versions, JSON editor), the simulator
that walks a flow in the browser, the hotline lines with their calendars, the incident
switch (an announcement on a line without editing its flow), and the agents' voice mailbox
with playback.

Flows, lines and the simulator need ``ivr.flows`` (team leads, admins); voice messages need
``ivr.voicemail`` (agents, team leads), incidents ``ivr.incidents`` (team leads, managers). The simulator is a dry run: it writes nothing."""
from __future__ import annotations

from app.ivr.web import flows, incidents, lines, simulator, voicemail  # noqa: F401  (their routes)
from app.ivr.web.blueprint import bp

__all__ = ["bp"]
