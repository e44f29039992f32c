"""Times are stored as naive UTC (the same on SQLite and PostgreSQL) and shown in the
centre's timezone."""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from flask import current_app


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def local(dt: datetime | None) -> datetime | None:
    """A stored UTC time in the centre's timezone (``TIMEZONE``, Asia/Shanghai by default)."""
    if dt is None:
        return None
    zone = ZoneInfo(current_app.config["TIMEZONE"])
    return dt.replace(tzinfo=timezone.utc).astimezone(zone)
