"""Prompts that state opening hours in words (人工服务时间为每天八点至二十点) go stale the day
the line's hours change; ``core.hours`` says them from the calendar instead. This finds
the prompts of a line's active flow whose times of day are not the line's, so that the
lines page can warn."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time

from app.calendars.opening import week_of
from app.ivr.flows.versions import active_flow
from app.ivr.lines import LineInfo
from app.ivr.prompts import catalog

_NUMERAL = "零一二三四五六七八九十"
#: 八点, 八点半, 十七点三十分, 八点零五分
_CLOCK = re.compile(rf"([{_NUMERAL}]{{1,3}})点(半|零?([{_NUMERAL}]{{1,3}})分)?")


@dataclass(frozen=True)
class StaleHours:
    step: str
    prompt: str
    text: str


def _number(text: str) -> int:
    """一 → 1, 十 → 10, 十七 → 17, 二十 → 20, 二十四 → 24."""
    if "十" not in text:
        return _NUMERAL.index(text[-1]) if text else 0
    tens, _, units = text.partition("十")
    return (_NUMERAL.index(tens) if tens else 1) * 10 + (_NUMERAL.index(units) if units else 0)


def times_in(text: str) -> set[tuple[int, int]]:
    """The times of day a sentence names, as (hour, minute)."""
    found = set()
    for match in _CLOCK.finditer(text):
        minute = 30 if match[2] == "半" else (_number(match[3]) if match[3] else 0)
        found.add((_number(match[1]), minute))
    return found


def _times_of(week: dict[str, list[tuple[time, time | None]]] | None) -> set[tuple[int, int]]:
    if week is None:
        return set()
    found = set()
    for ranges in week.values():
        for start, stop in ranges:
            found.add((start.hour, start.minute))
            found.add((24, 0) if stop is None else (stop.hour, stop.minute))
    return found


def stale_hours(line: LineInfo) -> list[StaleHours]:
    """Prompts of the line's active flow that name times of day other than the line's
    opening hours (needs an app context)."""
    flow = active_flow(line.flow) if line.flow else None
    if flow is None:
        return []
    texts = {name: prompt.text for name, prompt in catalog().items()}
    expected = _times_of(week_of(line.calendar_id))
    stale = []
    for step in flow.steps.values():
        for value in step.params.values():
            text = texts.get(value) if isinstance(value, str) else None
            named = times_in(text or "")
            if named and named != expected:
                stale.append(StaleHours(step.id, str(value), text or ""))
    return stale
