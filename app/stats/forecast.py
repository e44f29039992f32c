"""Staffing forecast: per weekday and half-hour, the calls of the last weeks averaged and run
through Erlang C, so a team lead sees how many agents each slot of a typical week needs.

Built from the QueueCall facts (counted calls only, so a transferred call's later segments do
not inflate the volume), placed in the centre's local time, since shifts are planned there.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from app.extensions import db
from app.stats.erlang import Staffing, agents_needed
from app.stats.models import QueueCall
from app.timeutil import centre_today, day_start_utc, local

SLOT_S = 1800
SLOTS = 48


@dataclass(frozen=True)
class Slot:
    """One half-hour of a typical week: ``slot`` 0 is 00:00–00:30 local time."""

    weekday: int          # ISO: 1 Monday … 7 Sunday
    slot: int
    calls: float          # average calls in this slot over the weeks
    aht_s: float          # average talk + ACW of the answered calls
    staffing: Staffing

    @property
    def label(self) -> str:
        return f"{self.slot // 2:02d}:{30 * (self.slot % 2):02d}"


def forecast(
    weeks: int = 4,
    today: date | None = None,
    target_sl: float = 0.8,
    threshold_s: float = 20,
    target_asa_s: float | None = None,
    shrinkage: float = 0.3,
    queues: list[str] | None = None,
) -> list[Slot]:
    """7 × 48 slots from the ``weeks`` whole weeks of local days before ``today``."""
    if weeks < 1:
        raise ValueError("weeks must be at least 1")
    if today is None:
        today = centre_today()
    start = today - timedelta(days=7 * weeks)
    query = db.select(QueueCall).where(
        QueueCall.counted.is_(True),
        QueueCall.entered_at >= day_start_utc(start),
        QueueCall.entered_at < day_start_utc(today),
    )
    if queues:
        query = query.where(QueueCall.queue.in_(queues))
    counts: dict[tuple[int, int], int] = defaultdict(int)
    handled: dict[tuple[int, int], list[int]] = defaultdict(list)
    for call in db.session.scalars(query):
        at = local(call.entered_at)
        key = (at.isoweekday(), at.hour * 2 + at.minute // 30)
        counts[key] += 1
        if call.talk_s > 0:
            handled[key].append(call.talk_s + (call.acw_s or 0))
    every = [t for times in handled.values() for t in times]
    fallback = sum(every) / len(every) if every else 180.0   # a slot with no answered call
    result = []
    for weekday in range(1, 8):
        for slot in range(SLOTS):
            times = handled.get((weekday, slot))
            aht = sum(times) / len(times) if times else fallback
            calls = counts.get((weekday, slot), 0) / weeks
            staffing = agents_needed(calls, SLOT_S, aht, target_sl, threshold_s, target_asa_s, shrinkage)
            result.append(Slot(weekday, slot, calls, aht, staffing))
    return result
