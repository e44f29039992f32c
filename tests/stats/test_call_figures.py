"""Queue figures from queue_log lines, exactly as DOMAIN.md defines them: each call counted
once, late and repeated lines changing nothing they should not."""
from __future__ import annotations

from datetime import date

import pytest

from app.cti.queue_log import store_lines
from app.stats.metrics import queue_figures, total

# 2026-12-01 10:00:00 in Asia/Shanghai is 02:00:00 UTC.
T0 = 1796090400

DAY = [
    # answered after 5 s, talked 60 s
    f"{T0}|c1|q-post|NONE|ENTERQUEUE||13800138001|1",
    f"{T0 + 5}|c1|q-post|Agent 8001|CONNECT|5|c1.2|3",
    f"{T0 + 65}|c1|q-post|Agent 8001|COMPLETECALLER|5|60|1",
    # answered after 30 s (outside the 20 s service level), talked 120 s
    f"{T0 + 10}|c2|q-post|NONE|ENTERQUEUE||13800138002|2",
    f"{T0 + 12}|c2|q-post|Agent 8002|RINGNOANSWER|15000",
    f"{T0 + 40}|c2|q-post|Agent 8001|CONNECT|30|c2.2|4",
    f"{T0 + 160}|c2|q-post|Agent 8001|COMPLETEAGENT|30|120|2",
    # abandoned after 8 s
    f"{T0 + 20}|c3|q-post|NONE|ENTERQUEUE||13800138003|3",
    f"{T0 + 28}|c3|q-post|NONE|ABANDON|3|3|8",
    # left through the callback key after 40 s
    f"{T0 + 30}|c4|q-post|NONE|ENTERQUEUE||13800138004|3",
    f"{T0 + 70}|c4|q-post|NONE|EXITWITHKEY|5|1|3|40",
]


def figures(period: str = "all", first: date = date(2026, 12, 1), last: date = date(2026, 12, 1)):
    return {(key, queue): f for key, queue, f in queue_figures(first, last, period)}


def test_a_day_of_calls_gives_the_defined_figures(app):
    result = store_lines(DAY, "test")
    assert (result.added, result.bad) == (len(DAY), 0)
    f = figures()[(None, "q-post")]
    assert (f.received, f.answered, f.abandoned, f.exitkey) == (4, 2, 1, 1)
    assert f.answer_rate == pytest.approx(0.5)
    assert f.abandon_rate_seed004 == pytest.approx(0.5)       # 1 abandoned / 2 answered
    assert f.abandon_rate == pytest.approx(0.25)              # 1 abandoned / 4 received
    assert f.service_level == pytest.approx(0.5)              # only c1 within 20 s
    assert f.asa == pytest.approx(17.5)
    assert f.average_talk == pytest.approx(90)
    assert f.ringnoanswer == 1


def test_the_same_lines_twice_add_nothing(app):
    store_lines(DAY, "test")
    again = store_lines(DAY, "test")
    assert (again.added, again.duplicates) == (0, len(DAY))
    assert figures()[(None, "q-post")].received == 4


def test_bad_lines_are_counted_and_the_rest_kept(app):
    result = store_lines(["not a line", f"{T0}|c9|q-post|NONE|ENTERQUEUE||1|1", "abc|c|q|a|X"], "test")
    assert (result.added, result.bad) == (1, 2)
    assert [number for number, _text, _why in result.bad_examples] == [1, 3]


def test_a_late_line_moves_its_call(app):
    """The CONNECT read before its ENTERQUEUE: nothing counts until the entry comes, then
    the call is answered, not waiting."""
    store_lines([DAY[1], DAY[2]], "test")
    assert figures() == {}
    store_lines([DAY[0]], "test")
    f = figures()[(None, "q-post")]
    assert (f.received, f.answered, f.completed, f.talk_s) == (1, 1, 1, 60)


def test_periods_and_totals_recompute_rates(app):
    next_day = [f"{T0 + 86400}|d3|q-post|NONE|ENTERQUEUE||13800138003|1",
                f"{T0 + 86410}|d3|q-post|NONE|ABANDON|1|1|10"]
    store_lines(DAY + next_day, "test")
    days = figures("day", last=date(2026, 12, 2))
    assert days[(date(2026, 12, 1), "q-post")].received == 4
    assert days[(date(2026, 12, 2), "q-post")].abandoned == 1
    whole = total(days.values())
    assert (whole.received, whole.answered, whole.abandoned) == (5, 2, 2)
    assert whole.answer_rate == pytest.approx(2 / 5)
    hours = figures("hour_of_day")
    assert list(hours) == [(10, "q-post")]
