"""The wallboard's per-queue targets and the colour each figure gets against them.

A figure is green when it meets its queue's target, amber when it misses it by a little,
red beyond: a rate (service level, 接通率) is amber down to ``WALLBOARD_AMBER_MARGIN``
percentage points below its target; a count or a wait (callers waiting, longest wait) is
amber up to twice its target. Every target is a default setting plus a
``queue=number`` list, read by :func:`app.stats.thresholds.per_queue` like the
service-level threshold, so a complaint queue may aim lower than the main one."""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from app.stats.thresholds import per_queue

GREEN, AMBER, RED, NONE = "green", "amber", "red", "none"


@dataclass(frozen=True)
class Targets:
    """One queue's targets: rates in percent, waits in seconds."""

    service_level: int
    answer_rate: int
    waiting: int
    longest_wait_s: int
    amber_margin: int

    def as_dict(self) -> dict[str, int]:
        return {"service_level": self.service_level, "answer_rate": self.answer_rate,
                "waiting": self.waiting, "longest_wait_s": self.longest_wait_s}


def targets_of(queue: str) -> Targets:
    return Targets(
        service_level=per_queue("WALLBOARD_SERVICE_LEVEL_TARGET", "WALLBOARD_SERVICE_LEVEL_TARGET_BY_QUEUE",
                                queue, 80),
        answer_rate=per_queue("WALLBOARD_ANSWER_RATE_TARGET", "WALLBOARD_ANSWER_RATE_TARGET_BY_QUEUE",
                              queue, 90),
        waiting=per_queue("WALLBOARD_WAITING_TARGET", "WALLBOARD_WAITING_TARGET_BY_QUEUE", queue, 3),
        longest_wait_s=per_queue("WALLBOARD_LONGEST_WAIT_TARGET", "WALLBOARD_LONGEST_WAIT_TARGET_BY_QUEUE",
                                 queue, 60),
        amber_margin=int(current_app.config.get("WALLBOARD_AMBER_MARGIN", 10)),
    )


def rate_colour(rate: float | None, target_percent: int, margin: int) -> str:
    """Higher is better: a rate (0–1) against its target in percent; ``none`` when there
    is no rate yet (no call today)."""
    if rate is None:
        return NONE
    percent = rate * 100
    if percent >= target_percent:
        return GREEN
    return AMBER if percent >= target_percent - margin else RED


def load_colour(value: float, target: int) -> str:
    """Lower is better: callers waiting or seconds of the longest wait."""
    if value <= target:
        return GREEN
    return AMBER if value <= 2 * target else RED
