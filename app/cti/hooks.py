"""The CTI room's declarations: its tables, and the worker's job that keeps the live-event
log short."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.cti import live, models  # noqa: F401
from app.declarations import Job
from app.hookspecs import hookimpl


@hookimpl
def postline_jobs() -> list[Job]:
    return [Job("live_events_purge", live.purge_old_events, "interval", {"hours": 1},
                title=_l("Forget old live events"))]
