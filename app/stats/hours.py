"""The hour rows every roll-up writes: the centre's local hour of a UTC time, the periods
an hour belongs to, and the additive upsert. Its own module so that the fact roll-up
(:mod:`app.stats.rollup`) and the sessions (:mod:`app.stats.sessions`) share it without
importing each other."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app

from app.extensions import db

Counts = dict[str, int]


def local_hour(at: datetime) -> datetime:
    """The start of the centre's hour a UTC time falls in, as a naive local time."""
    zone = ZoneInfo(current_app.config["TIMEZONE"])
    local = at.replace(tzinfo=timezone.utc).astimezone(zone)
    return local.replace(minute=0, second=0, microsecond=0, tzinfo=None)


def period_values(hour: datetime) -> dict[str, Any]:
    day = hour.date()
    return {"hour": hour, "day": day, "week": day - timedelta(days=day.isoweekday() - 1),
            "month": day.replace(day=1), "year": day.year, "hour_of_day": hour.hour,
            "weekday": day.isoweekday()}


def upsert(model: type, keys: Iterable[str], delta: dict[tuple, Counts]) -> None:
    """Add each key's counts to its hour row, creating the row when it is the first."""
    keys = tuple(keys)
    rows = []
    columns: set[str] = set()
    for key, counts in delta.items():
        nonzero = {name: n for name, n in counts.items() if n}
        if not nonzero:
            continue
        columns.update(nonzero)
        rows.append({**dict(zip(keys, key)), **period_values(key[0])})
        rows[-1].update(nonzero)
    if not rows:
        return
    for row in rows:
        for name in columns:
            row.setdefault(name, 0)
    insert = _dialect_insert(model)
    stmt = insert.on_conflict_do_update(
        index_elements=list(keys),
        set_={name: getattr(model.__table__.c, name) + getattr(insert.excluded, name) for name in columns})
    db.session.execute(stmt, rows)


def _dialect_insert(model: type) -> Any:
    if db.engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(model)
