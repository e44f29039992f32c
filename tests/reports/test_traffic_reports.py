"""话务量统计 by hour of day and the missed-calls list to call back."""
from __future__ import annotations

from app.cti.queue_log import store_lines

T0 = 1796090400   # 2026-12-01 10:00 in Shanghai

LINES = [
    f"{T0}|a1|q-post|NONE|ENTERQUEUE||13800138001|1",
    f"{T0 + 5}|a1|q-post|Agent 8001|CONNECT|5|a1.1|2",
    f"{T0 + 65}|a1|q-post|Agent 8001|COMPLETECALLER|5|60|1",
    f"{T0 + 100}|a2|q-post|NONE|ENTERQUEUE||13800138002|1",
    f"{T0 + 130}|a2|q-post|NONE|ABANDON|2|1|30",
    f"{T0 + 3600 * 4}|a3|q-post|NONE|ENTERQUEUE||13800138003|1",     # 14:00
    f"{T0 + 3600 * 4 + 300}|a3|q-post|NONE|EXITWITHTIMEOUT|1|1|300",
]


def test_traffic_counts_each_hour_of_the_day(app, build_report):
    store_lines(LINES, "test")
    rows = build_report("traffic").rows
    by_hour = {row[0]: row for row in rows if row[0] and str(row[0])[:2].isdigit()}
    assert by_hour["10:00-11:00"][1:4] == (2, 1, 1)
    assert by_hour["14:00-15:00"][1:4] == (1, 0, 0)
    assert [row for row in rows if row[0] == "合计"][0][1:3] == (3, 1)


def test_missed_calls_list_every_unanswered_caller(app, build_report):
    store_lines(LINES, "test")
    rows = build_report("missed-calls").rows
    assert rows[0][2] == "来电号码"
    assert [(row[2], row[4]) for row in rows[1:]] == [("13800138002", 30), ("13800138003", 300)]
    assert str(rows[1][0]) == "2026-12-01 10:01:40"   # the centre's time
