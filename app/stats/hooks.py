"""The statistics room's declarations: its tables, and the roll-ups kept as queue_log
lines are stored."""
from __future__ import annotations

from app.cti.queue_log import QueueLogRow
from app.hookspecs import hookimpl
from app.stats import models, rollup  # noqa: F401 (models: the room's tables)


@hookimpl
def postline_queue_log_added(rows: list[QueueLogRow]) -> None:
    rollup.apply(rows)
