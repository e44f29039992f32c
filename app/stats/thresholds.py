"""Per-queue settings of the statistics, each a default plus a ``queue=number`` comma list
that overrides it for some queues (like ``ACW_LIMIT_BY_QUEUE``).

Each queue's service-level threshold T (answered within T seconds counts as within the
service level): ``SERVICE_LEVEL_BY_QUEUE``, else ``SERVICE_LEVEL_SECONDS`` (20, DOMAIN.md's
default). The roll-ups count answers within the threshold as they are stored, and every
report prints the threshold it used. The wallboard's targets (:mod:`app.stats.targets`)
are read the same way."""
from __future__ import annotations

from functools import lru_cache

from flask import current_app


def service_level_seconds(queue: str) -> int:
    return per_queue("SERVICE_LEVEL_SECONDS", "SERVICE_LEVEL_BY_QUEUE", queue, 20)


def per_queue(default_setting: str, by_queue_setting: str, queue: str, fallback: int) -> int:
    """``queue``'s number from the ``by_queue_setting`` list, else ``default_setting``'s
    value, else ``fallback`` (the setting is missing from the configuration)."""
    config = current_app.config
    default = int(config.get(default_setting, fallback))
    return _parsed(str(config.get(by_queue_setting, "") or "")).get(queue, default)


@lru_cache(maxsize=32)
def _parsed(text: str) -> dict[str, int]:
    by_queue = {}
    for entry in text.split(","):
        name, _, seconds = entry.partition("=")
        if name.strip() and seconds.strip().isdigit():
            by_queue[name.strip()] = int(seconds.strip())
    return by_queue
