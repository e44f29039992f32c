"""The ``call-summary`` report: the numbers a manager forwards, from the command and from
the page, with the totals recomputed and every cell safe to open."""
from __future__ import annotations

import io
from datetime import date

import pytest
from flask.cli import ScriptInfo
from openpyxl import load_workbook

from app.commands import cli
from app.cti.queue_log import store_lines
from app.testing import submit

T0 = 1796090400   # 2026-12-01 10:00 in Shanghai


def a_call(callid: str, at: int, queue: str, wait: int, talk: int | None) -> list[str]:
    lines = [f"{at}|{callid}|{queue}|NONE|ENTERQUEUE||13800138000|1"]
    if talk is None:
        lines.append(f"{at + wait}|{callid}|{queue}|NONE|ABANDON|1|1|{wait}")
    else:
        lines += [f"{at + wait}|{callid}|{queue}|Agent 8001|CONNECT|{wait}|{callid}.1|2",
                  f"{at + wait + talk}|{callid}|{queue}|Agent 8001|COMPLETECALLER|{wait}|{talk}|1"]
    return lines


@pytest.fixture
def calls(app):
    lines = (a_call("a1", T0, "q-post", 5, 60) + a_call("a2", T0 + 60, "q-post", 40, 100)
             + a_call("a3", T0 + 120, "q-post", 7, None)
             + a_call("b1", T0 + 86400, "q-post", 10, 80)                  # the next day
             + a_call("c1", T0 + 200, "=HYPERLINK(1)", 3, 30))              # a hostile queue name
    store_lines(lines, "test")


def sheet_rows(data: bytes) -> tuple[list[tuple], object]:
    wb = load_workbook(io.BytesIO(data))
    sheet = wb.worksheets[0]
    return [tuple(cell.value for cell in row) for row in sheet.iter_rows()], wb


def test_the_command_builds_the_figures_per_queue_and_day(app, calls, build_report):
    built = build_report("call-summary", end="2026-12-02")
    rows, wb = built.rows, built.book
    assert rows[0][0] == "话务汇总"                       # the title, in Chinese
    assert "2026-12-01" in rows[1][0] and "2026-12-02" in rows[1][0]
    header = next(i for i, row in enumerate(rows) if row[1] == "队列")
    data = rows[header + 1:]
    by = {(row[0].date() if row[0] != "合计" else row[0], row[1]): row for row in data}
    first = by[(date(2026, 12, 1), "q-post")]
    assert first[2:5] == (3, 2, 1)                          # received, answered, abandoned
    assert first[9] == pytest.approx(2 / 3)                # 接通率
    assert first[10] == pytest.approx(1 / 2)               # 呼损率 as seed 004: abandoned / answered
    assert first[11] == pytest.approx(1 / 3)               # abandoned / received
    assert first[12] == pytest.approx(1 / 2)               # only a1 within 20 s
    assert first[13] == pytest.approx(22.5)                # ASA
    assert by[(date(2026, 12, 1), "'=HYPERLINK(1)")][2] == 1   # neutralised, not a formula
    totals = by[("合计", None)]
    assert totals[2:5] == (5, 4, 1)
    assert totals[9] == pytest.approx(4 / 5)               # recomputed, not the rows' average
    assert totals[13] == pytest.approx((5 + 40 + 10 + 3) / 4)
    sheet = wb.worksheets[0]
    assert sheet.freeze_panes == f"A{header + 2}" and sheet.auto_filter.ref.startswith(f"A{header + 1}:")
    assert wb.worksheets[1]._charts, "the trend sheet has a native chart"


def test_one_queue_by_month(app, calls, build_report):
    rows = build_report("call-summary", "--period", "month", "--queue", "q-post", end="2026-12-02").rows
    assert ("2026-12", "q-post", 4, 3, 1) in [row[:5] for row in rows]


@pytest.mark.parametrize("args, message", [
    (["reports", "build", "no-such", "--from", "2026-12-01", "--to", "2026-12-02", "-o", "x.xlsx"], "no report"),
    (["reports", "build", "call-summary", "--from", "2026-12-02", "--to", "2026-12-01", "-o", "x.xlsx"],
     "must not be before"),
    (["reports", "build", "call-summary", "--from", "1.12.2026", "--to", "2026-12-01", "-o", "x.xlsx"], "--from"),
])
def test_bad_arguments_are_one_line_and_exit_2(app, args, message):
    result = app.test_cli_runner().invoke(cli, args, obj=ScriptInfo(create_app=lambda: app))
    assert result.exit_code == 2 and message in result.output


def test_the_page_download_is_for_managers_only(app, calls, login):
    assert login("agent").get("/reports/call-summary").status_code == 403
    client = login("manager")
    response = submit(client, "/reports/call-summary",
                      {"start": "2026-12-01", "end": "2026-12-01", "period": "day", "queue": ""})
    assert response.status_code == 200
    rows, _wb = sheet_rows(response.data)
    assert any(row[1] == "q-post" and row[2] == 3 for row in rows)
