"""IVR 使用统计: calls by line and how they left the IVR, the self-served share, the steps
reached (once per call) and the last step of the calls that ended in the IVR."""
from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from app.calls.models import HUNG_UP, LOST, SELF_SERVED, TRANSFERRED, CallRecord
from app.extensions import db
from app.ivr.call import PathEntry

DAY = datetime(2026, 12, 1, 3, 0)   # 11:00 in Shanghai


def a_call(line: str, outcome: str, steps: list[tuple[str, str]], at: datetime = DAY) -> None:
    path = [PathEntry(step, node, at).as_dict() for step, node in steps]
    db.session.add(CallRecord(line=line, started_at=at, ended_at=at, outcome=outcome,
                              path=json.dumps(path, ensure_ascii=False)))


MENU = [("welcome", "core.play"), ("menu", "core.menu")]


@pytest.fixture
def calls(app):
    a_call("11185", SELF_SERVED, [*MENU, ("postcode", "postcode.lookup")])
    a_call("11185", SELF_SERVED, [*MENU, ("postcode", "postcode.lookup")])
    a_call("11185", TRANSFERRED, [*MENU, ("menu", "core.menu"), ("agent", "core.transfer")])  # menu twice
    a_call("11185", HUNG_UP, MENU)
    a_call("12329", HUNG_UP, [("welcome", "core.play")])
    a_call("12329", LOST, [("welcome", "core.play")])
    a_call("11185", TRANSFERRED, [*MENU, ("agent", "core.transfer")], at=DAY + timedelta(days=1))
    db.session.commit()


def test_calls_by_line_with_the_self_served_share(calls, build_report):
    built = build_report("ivr-usage")
    first = built.sheets["IVR 来电（按热线）"]
    header = next(row for row in first if row[1] == "热线")
    assert header[2:5] == ("通话数", "自助服务完成", "已转人工")
    assert header[-1] == "自助服务率"
    rows = {row[1]: row for row in first if isinstance(row[0], datetime)}
    assert rows["11185"][2:] == (4, 2, 1, 0, 1, 0, 0, pytest.approx(2 / 3))
    assert rows["12329"][2:] == (2, 0, 0, 0, 1, 0, 1, None)
    assert built.by_label("IVR 来电（按热线）")["合计"][2:] == (6, 2, 1, 0, 2, 0, 1, pytest.approx(2 / 3))


def test_steps_reached_once_per_call_and_where_callers_leave(calls, build_report):
    sheets = build_report("ivr-usage").sheets
    reached = {(row[1], row[2]): row for row in sheets["IVR 节点到达"] if isinstance(row[0], datetime)}
    assert reached[("11185", "menu")][3:] == ("菜单", 4, 1.0)
    assert reached[("11185", "postcode")][4:] == (2, 0.5)
    assert reached[("12329", "welcome")][4] == 2
    left = {(row[1], row[2]): row for row in sheets["IVR 离开位置"] if isinstance(row[0], datetime)}
    assert left[("11185", "postcode")][4:] == (0, 2, 2)
    assert left[("11185", "menu")][4:] == (1, 0, 1)
    assert left[("12329", "welcome")][4:] == (1, 0, 1)      # the lost call did not leave by itself
    assert ("11185", "agent") not in left
    assert {row[0]: row for row in sheets["IVR 离开位置"]}["合计"][4:] == (2, 2, 4)


def test_by_week(calls, build_report):
    rows = build_report("ivr-usage", "--period", "week", end="2026-12-02").rows
    assert [row[:3] for row in rows if row[0] == "2026-W49"] == [("2026-W49", "11185", 5), ("2026-W49", "12329", 2)]


def test_the_download_is_for_managers(calls, download_report):
    assert download_report("ivr-usage").by_label()["合计"][2] == 6
