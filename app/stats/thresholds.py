"""Each queue's service-level threshold T (answered within T seconds counts as within the
service level): ``SERVICE_LEVEL_BY_QUEUE`` (``queue=seconds`` comma list, like
``ACW_LIMIT_BY_QUEUE``), else ``SERVICE_LEVEL_SECONDS`` (20, DOMAIN.md's default). The
roll-ups count answers within the threshold as they are stored, and every report prints
the threshold it used."""
from __future__ import annotations

from functools import lru_cache

from flask import current_app


def service_level_seconds(queue: str) -> int:
    config = current_app.config
    default = int(config.get("SERVICE_LEVEL_SECONDS", 20))
    return _parsed(str(config.get("SERVICE_LEVEL_BY_QUEUE", ""))).get(queue, default)


@lru_cache(maxsize=8)
def _parsed(text: str) -> dict[str, int]:
    by_queue = {}
    for entry in text.split(","):
        name, _, seconds = entry.partition("=")
        if name.strip() and seconds.strip().isdigit():
            by_queue[name.strip()] = int(seconds.strip())
    return by_queue
