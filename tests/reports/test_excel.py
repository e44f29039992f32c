"""Excel cells a manager opens cannot run formulas planted in customer data."""
from __future__ import annotations

import io
from datetime import datetime

from openpyxl import load_workbook

from app.reports.excel import Column, neutralise, table_workbook, to_bytes


def test_text_that_would_run_as_a_formula_is_neutralised():
    for dangerous in ("=1+1", "+86 10", "-2+3", "@SUM(A1)", "\t=cmd", "=HYPERLINK(\"http://x\")"):
        assert neutralise(dangerous) == "'" + dangerous
    assert neutralise("张伟") == "张伟"
    assert neutralise(-5) == -5 and neutralise(3.5) == 3.5


def test_table_sheet_has_frozen_filtered_header_and_keeps_values_as_text():
    columns = [Column("姓名", 12), Column("次数", 8, "0"), Column("时间", 18, "yyyy-mm-dd hh:mm"),
               Column("接通率", 8, "0.0%")]
    rows = [["=cmd|' /C calc'!A0", 3, datetime(2026, 11, 23, 9, 30), 0.25],
            ["王芳", 5, datetime(2026, 11, 22), None]]
    book = load_workbook(io.BytesIO(to_bytes(table_workbook("查询统计", columns, rows))))
    sheet = book["查询统计"]
    assert [c.value for c in sheet[1]] == ["姓名", "次数", "时间", "接通率"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:D3"
    assert sheet["A2"].data_type == "s" and sheet["A2"].value.startswith("'=")
    assert sheet["B3"].value == 5
    assert sheet["C2"].number_format == sheet["C3"].number_format == "yyyy-mm-dd hh:mm"
    assert sheet["D2"].value == 0.25 and sheet["D2"].number_format == "0.0%" and sheet["D3"].value is None
    assert sheet.column_dimensions["A"].width == 12
