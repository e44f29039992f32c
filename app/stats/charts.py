"""A chart as the page carries it: categories along the x axis and named series of numbers
(``None`` for a gap). The template shows the same spec as a table beside the chart, and
``static/js/charts.js`` turns it into an ECharts option, so the numbers a screen reader
hears and the bars a manager sees come from one place."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Series:
    name: str
    values: list[float | int | None]
    kind: str = "bar"      # ECharts series type: bar or line


@dataclass
class Chart:
    """``percent``: the values are shares (0–1), shown as percentages."""

    key: str
    title: str
    categories: Sequence[str]
    series: list[Series] = field(default_factory=list)
    percent: bool = False
    axis_label: str = ""

    def spec(self) -> dict[str, Any]:
        """What ``charts.js`` reads (the page embeds it as JSON)."""
        return {**asdict(self), "categories": [str(c) for c in self.categories]}

    def rows(self) -> list[tuple[str, list[float | int | None]]]:
        """The table beside the chart: one row per category, one column per series."""
        return [(str(c), [s.values[i] for s in self.series]) for i, c in enumerate(self.categories)]
