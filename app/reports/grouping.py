"""Grouping rows that are not roll-ups (surveys, work orders, IVR calls) by the same periods
the roll-ups use: a stored UTC time falls in the centre's hour, day, ISO week (its Monday),
month (its first day) or year, exactly as :func:`app.stats.hours.period_values` files an
hour, so every report names a period the same way (:func:`app.reports.periods.period_label`)."""
from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from app.stats.hours import period_values
from app.timeutil import LocalClock


class PeriodKeys:
    """``keys(at)``: the key of the ``period`` a stored time (naive UTC) is in, ``None`` for
    ``all``; one per report, so the local hours are remembered across its rows."""

    def __init__(self, period: str) -> None:
        self.period = period
        self.hour = LocalClock().hour

    def __call__(self, at: datetime) -> Any:
        if self.period == "all":
            return None
        return period_values(self.hour(at))[self.period]


def sorted_groups(groups: dict[tuple, Counter[str]]) -> list[tuple[tuple, Counter[str]]]:
    """Groups keyed (period key, name…) in order, a ``None`` key first."""
    return sorted(groups.items(), key=lambda item: tuple((value is not None, value) for value in item[0]))
