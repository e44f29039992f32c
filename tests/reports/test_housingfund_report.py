"""The 12329 line's figures of seed 004 §3.3 by day, week, month and year, over the line's
queues only, rates recomputed from the summed counts."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from app.cti.queue_log import store_lines

T0 = 1796090400   # 2026-12-01 10:00 in Shanghai, a Tuesday


def a_call(callid: str, at: int, queue: str, wait: int, talk: int | None) -> list[str]:
    lines = [f"{at}|{callid}|{queue}|NONE|ENTERQUEUE||13800138000|1"]
    if talk is None:
        return [*lines, f"{at + wait}|{callid}|{queue}|NONE|ABANDON|1|1|{wait}"]
    return [*lines, f"{at + wait}|{callid}|{queue}|Agent 8001|CONNECT|{wait}|{callid}.1|2",
            f"{at + wait + talk}|{callid}|{queue}|Agent 8001|COMPLETECALLER|{wait}|{talk}|1"]


@pytest.fixture
def calls(app):
    store_lines(a_call("h1", T0, "postline-12329", 10, 100) + a_call("h2", T0 + 60, "postline-12329-loan", 30, 200)
                + a_call("h3", T0 + 120, "postline-12329", 20, None)
                + a_call("h4", T0 + 86400, "postline-12329", 40, 60)                 # 2 December
                + a_call("p1", T0, "postline-11185", 5, 50), "test")                  # another line


def test_figures_per_day_week_month_year(calls, build_report):
    built = build_report("housingfund-12329", end="2026-12-02")
    sheets = built.sheets
    assert list(sheets)[:4] == ["12329 日报", "12329 周报", "12329 月报", "12329 年报"]
    daily = sheets["12329 日报"]
    assert daily[1][0] == "12329 住房公积金服务热线"
    header = next(row for row in daily if row[1] == "呼入总量")
    assert header[4:6] == ("接通率（接通/呼入）", "呼损率（放弃/接通）")
    days = {row[0].date(): row for row in daily if isinstance(row[0], datetime)}
    assert days[date(2026, 12, 1)][1:] == (3, 2, 1, pytest.approx(2 / 3), pytest.approx(1 / 2),
                                           pytest.approx(1 / 3), 150, 20, None)
    assert days[date(2026, 12, 2)][1:4] == (1, 1, 0)
    totals = built.by_label("12329 日报")["合计"]
    assert totals[1:4] == (4, 3, 1)
    assert totals[4] == pytest.approx(3 / 4) and totals[5] == pytest.approx(1 / 3)
    assert totals[7] == pytest.approx((100 + 200 + 60) / 3) and totals[8] == pytest.approx((10 + 30 + 40) / 3)
    assert [row[:2] for row in sheets["12329 周报"] if row[0] == "2026-W49"] == [("2026-W49", 4)]
    assert [row[:2] for row in sheets["12329 月报"] if row[0] == "2026-12"] == [("2026-12", 4)]
    assert [row[:2] for row in sheets["12329 年报"] if row[0] == "2026"] == [("2026", 4)]
    assert built.book["趋势"]._charts


def test_the_line_queues_are_a_setting(app, calls, build_report):
    app.config["HOUSINGFUND_QUEUES"] = "postline-12329-loan"
    totals = build_report("housingfund-12329").by_label("12329 日报")["合计"]
    assert totals[1:3] == (1, 1)


def test_the_download_is_for_managers(calls, download_report):
    assert download_report("housingfund-12329").by_label()["合计"][1] == 3
