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

from app.bulk import insert_many, quoted
from app.extensions import db

Counts = dict[str, int]


def local_hour(at: datetime) -> datetime:
    """The start of the centre's hour a UTC time falls in, as a naive local time (for
    many times, :meth:`app.timeutil.LocalClock.hour` remembers the answers)."""
    local = at.replace(tzinfo=timezone.utc).astimezone(ZoneInfo(current_app.config["TIMEZONE"]))
    return local.replace(minute=0, second=0, microsecond=0, tzinfo=None)


def period_values(hour: datetime) -> dict[str, Any]:
    day = hour.date()
    return {"hour": hour, "day": day, "week": day - timedelta(days=day.isoweekday() - 1),
            "month": day.replace(day=1), "year": day.year, "hour_of_day": hour.hour,
            "weekday": day.isoweekday()}


def upsert(model: type, keys: Iterable[str], delta: dict[tuple, Counts]) -> None:
    """Add each key's counts to its hour row, creating the row when it is the first."""
    keys = tuple(keys)
    delta = {key: {name: n for name, n in counts.items() if n} for key, counts in delta.items()}
    columns = sorted({name for counts in delta.values() for name in counts})
    if not columns:
        return
    table = model.__table__
    periods = list(period_values(datetime(2000, 1, 1)))[1:]   # "hour" is the first key
    counted = [c.name for c in table.columns if c.name not in {"id", *keys, *periods}]
    names = [*keys, *periods, *counted]
    periods_of: dict[datetime, tuple] = {}
    rows = []
    for key, counts in delta.items():
        if counts:
            if key[0] not in periods_of:
                periods_of[key[0]] = tuple(period_values(key[0]).values())[1:]
            rows.append((*key, *periods_of[key[0]], *[counts.get(name, 0) for name in counted]))
    update = ", ".join(f"{quoted(name)} = {table.name}.{quoted(name)} + excluded.{quoted(name)}"
                       for name in columns)
    insert_many(db.session.connection(), table, names, rows,
                on_conflict=f"({', '.join(quoted(key) for key in keys)}) DO UPDATE SET {update}")
