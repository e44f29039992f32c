"""Grouping rows that are not roll-ups (surveys, work orders, IVR calls) by the same periods
the roll-ups use: a stored UTC time falls in the centre's hour, day, ISO week (its Monday),
month (its first day) or year, exactly as :func:`app.stats.hours.period_values` files an
hour, so every report names a period the same way (:func:`app.reports.periods.period_label`)."""
from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from app.stats.hours import local_hour, period_values


def period_key(period: str, at: datetime) -> Any:
    """The key of the period ``at`` (naive UTC) is in; ``None`` for ``all``."""
    if period == "all":
        return None
    return period_values(local_hour(at))[period]


def sorted_groups(groups: dict[tuple, Counter[str]]) -> list[tuple[tuple, Counter[str]]]:
    """Groups keyed (period key, name…) in order, a ``None`` key first."""
    return sorted(groups.items(), key=lambda item: tuple((value is not None, value) for value in item[0]))
