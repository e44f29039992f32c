"""The figures managers read, made from the hourly roll-ups exactly as DOMAIN.md defines
them. Every figure object holds sums only; its rates are computed from those sums, so a
total (``a + b``) recomputes its rates instead of averaging them.

``period`` is one of :data:`PERIODS`: a calendar period (each hour, day, ISO week, month,
year), a distribution (hour of day, weekday) or ``all`` (one row for the whole range)."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

from sqlalchemy import func, select

from app.extensions import db
from app.stats.models import AgentHour, AgentPauseHour, QueueHour

PERIODS = ("hour", "day", "week", "month", "year", "hour_of_day", "weekday", "all")


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass
class Sums:
    """Adding two figures adds their sums (a totals row, a longer period)."""

    def __add__(self, other: Sums) -> Sums:
        merged = type(self)()
        for f in fields(self):
            if f.type in ("int", int):
                setattr(merged, f.name, getattr(self, f.name) + getattr(other, f.name))
        return merged

    @classmethod
    def columns(cls) -> list[str]:
        return [f.name for f in fields(cls) if f.type in ("int", int)]


class HandleTimes:
    """The handle-time figures queues and agents share (both have talk_s, completed,
    acw_s and acw_calls)."""

    talk_s: int
    completed: int
    acw_s: int
    acw_calls: int

    @property
    def average_talk(self) -> float | None:
        """平均通话时长: sum of calltimes / answered-and-completed, seconds."""
        return _ratio(self.talk_s, self.completed)

    @property
    def average_acw(self) -> float | None:
        """平均后处理时间: ACW pause seconds / calls followed by one."""
        return _ratio(self.acw_s, self.acw_calls)

    @property
    def aht(self) -> float | None:
        """Average handle time: talk + after-call work (queue_log knows no hold within a call)."""
        if self.average_talk is None:
            return None
        return self.average_talk + (self.average_acw or 0.0)


@dataclass
class QueueFigures(HandleTimes, Sums):
    received: int = 0
    calls: int = 0
    answered: int = 0
    abandoned: int = 0
    timeout: int = 0
    exitkey: int = 0
    exitempty: int = 0
    full: int = 0
    joinempty: int = 0
    closed: int = 0
    transferred: int = 0
    sl_answered: int = 0
    answered_10: int = 0
    answered_20: int = 0
    answered_30: int = 0
    answered_60: int = 0
    answered_120: int = 0
    abandoned_10: int = 0
    abandoned_30: int = 0
    abandoned_60: int = 0
    abandoned_120: int = 0
    hold_s: int = 0
    abandon_wait_s: int = 0
    completed: int = 0
    talk_s: int = 0
    acw_calls: int = 0
    acw_s: int = 0
    ringnoanswer: int = 0

    @property
    def answer_rate(self) -> float | None:
        """接通率: answered / received (seed 004)."""
        return _ratio(self.answered, self.received)

    @property
    def abandon_rate_seed004(self) -> float | None:
        """呼损率 as seed 004 defines it: abandoned / answered."""
        return _ratio(self.abandoned, self.answered)

    @property
    def abandon_rate(self) -> float | None:
        """Abandoned / received (the industry's abandon rate)."""
        return _ratio(self.abandoned, self.received)

    @property
    def service_level(self) -> float | None:
        """Answered within the queue's threshold / answered."""
        return _ratio(self.sl_answered, self.answered)

    @property
    def asa(self) -> float | None:
        """平均等待时间: sum of CONNECT holdtimes / answered, seconds."""
        return _ratio(self.hold_s, self.answered)

    @property
    def average_abandon_wait(self) -> float | None:
        return _ratio(self.abandon_wait_s, self.abandoned)

    @property
    def unanswered(self) -> int:
        return self.received - self.answered


@dataclass
class AgentFigures(HandleTimes, Sums):
    answered: int = 0
    hold_s: int = 0
    completed: int = 0
    talk_s: int = 0
    acw_calls: int = 0
    acw_s: int = 0
    ringnoanswer: int = 0
    transferred: int = 0
    login_s: int = 0
    pause_s: int = 0
    pauses: dict[str, int] = field(default_factory=dict)   # reason → seconds

    def __add__(self, other: Sums) -> AgentFigures:
        merged: AgentFigures = super().__add__(other)  # type: ignore[assignment]
        merged.pauses = dict(self.pauses)
        for reason, seconds in getattr(other, "pauses", {}).items():
            merged.pauses[reason] = merged.pauses.get(reason, 0) + seconds
        return merged

    @property
    def offers(self) -> int:
        """Calls rung to the agent: answered plus missed (RINGNOANSWER)."""
        return self.answered + self.ringnoanswer

    @property
    def occupancy(self) -> float | None:
        """Busy (talk + ACW) / available time (logged in minus pauses other than ACW)."""
        acw_pause = self.pauses.get("ACW", 0)
        available = self.login_s - (self.pause_s - acw_pause)
        return _ratio(self.talk_s + self.acw_s, available) if available > 0 else None


def queue_figures(first: date, last: date, period: str = "day",
                  queues: Sequence[str] | None = None) -> list[tuple[Any, str, QueueFigures]]:
    """(period key, queue, figures) for each period and queue with calls, sorted; the key
    is a datetime (hour), a date (day, week's Monday, month's first day), an int (year,
    hour of day, ISO weekday) or ``None`` for ``all``."""
    return [(key, queue, figures) for key, (queue,), figures
            in _grouped(QueueHour, QueueFigures, ("queue",), first, last, period, queues=queues)]


def agent_figures(first: date, last: date, period: str = "all", agents: Sequence[str] | None = None,
                  queues: Sequence[str] | None = None) -> list[tuple[Any, str, AgentFigures]]:
    """(period key, agent, figures): his calls over the queues asked for (all when
    ``None``), his session and pause seconds in every queue."""
    rows: dict[tuple[Any, str], AgentFigures] = {}
    for key, (agent, queue), figures in _grouped(AgentHour, AgentFigures, ("agent", "queue"), first, last,
                                                  period, agents=agents):
        if queue and queues is not None and queue not in queues:
            figures = AgentFigures(login_s=figures.login_s, pause_s=figures.pause_s)
        rows[(key, agent)] = rows.get((key, agent), AgentFigures()) + figures
    for key, (agent, reason), pause in _grouped(AgentPauseHour, _PauseSums, ("agent", "reason"), first, last,
                                                 period, agents=agents):
        figures = rows.setdefault((key, agent), AgentFigures())
        figures.pauses[reason] = figures.pauses.get(reason, 0) + pause.pause_s
    return [(key, agent, figures) for (key, agent), figures in sorted(rows.items(), key=_sort_key)]


@dataclass
class _PauseSums(Sums):
    pauses: int = 0
    pause_s: int = 0


def total(figures: Iterable[Sums]) -> Any:
    """The sum of figures, rates recomputed (a report's totals row)."""
    result = None
    for item in figures:
        result = item if result is None else result + item
    return result


def by_period(found: Iterable[tuple[Any, str, QueueFigures]]) -> dict[Any, QueueFigures]:
    """:func:`queue_figures`' rows summed over the queues of each period, in their order."""
    summed: dict[Any, QueueFigures] = {}
    for key, _queue, figures in found:
        summed[key] = summed[key] + figures if key in summed else figures
    return summed


def _grouped(model: Any, figures_class: type, dims: tuple[str, ...], first: date, last: date, period: str,
             queues: Sequence[str] | None = None, agents: Sequence[str] | None = None) -> list[tuple[Any, tuple, Any]]:
    if period not in PERIODS:
        raise ValueError(f"unknown period {period!r}")
    sums = [func.sum(getattr(model, name)).label(name) for name in figures_class.columns()]
    group = [getattr(model, name) for name in dims]
    if period != "all":
        group.insert(0, getattr(model, period))
    stmt = select(*group, *sums).where(model.day >= first, model.day <= last).group_by(*group)
    if queues is not None and hasattr(model, "queue") and "queue" in dims and model is QueueHour:
        stmt = stmt.where(model.queue.in_(list(queues)))
    if agents is not None:
        stmt = stmt.where(model.agent.in_(list(agents)))
    result = []
    for row in db.session.execute(stmt):
        values = row._mapping
        key = values[period] if period != "all" else None
        figures = figures_class(**{name: int(values[name] or 0) for name in figures_class.columns()})
        result.append((key, tuple(values[name] for name in dims), figures))
    result.sort(key=lambda item: (_orderable(item[0]), item[1]))
    return result


def _orderable(key: Any) -> Any:
    return (0, "") if key is None else (1, key)


def _sort_key(item: tuple[tuple[Any, str], Any]) -> Any:
    (key, agent), _figures = item
    return (_orderable(key), agent)
