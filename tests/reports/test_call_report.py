"""The "IVR calls" report: calls per centre day, line and outcome, lost calls counted."""
from __future__ import annotations

import io
from datetime import datetime

from openpyxl import load_workbook

from app.calls.models import LOST, CallRecord
from app.extensions import db
from app.testing import submit

REPORT = "/reports/calls.outcomes"


def add_call(started_at: datetime, outcome: str, line: str = "11185") -> None:
    db.session.add(CallRecord(line=line, started_at=started_at, outcome=outcome,
                              ended_at=started_at if outcome else None))
    db.session.commit()


def test_the_report_counts_calls_per_local_day_line_and_outcome_lost_ones_included(login):
    add_call(datetime(2026, 3, 1, 15, 59), "transferred")  # 1 March 23:59 in Shanghai
    add_call(datetime(2026, 3, 1, 16, 0), "transferred")   # 2 March 00:00
    add_call(datetime(2026, 3, 2, 1, 0), LOST)
    add_call(datetime(2026, 3, 2, 2, 0), LOST)
    add_call(datetime(2026, 3, 2, 3, 0), LOST, line="12329")
    add_call(datetime(2026, 3, 2, 16, 0), LOST)              # 3 March: outside
    client = login("manager")
    response = submit(client, REPORT, {"start": "2026-03-01", "end": "2026-03-02"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = [tuple(c.value for c in row) for row in sheet.iter_rows(min_row=2)]
    assert [(r[0].date().isoformat(), r[1], r[3]) for r in rows] == [
        ("2026-03-01", "11185", 1), ("2026-03-02", "11185", 2), ("2026-03-02", "11185", 1),
        ("2026-03-02", "12329", 1)]
    lost_rows = [r for r in rows if r[3] == 2]
    assert lost_rows[0][2] == "丢失（IVR 进程中断）"  # the centre reads it in Chinese


def test_the_report_is_offered_on_the_reports_page(login):
    page = login("manager").get("/reports/").get_data(as_text=True)
    assert 'data-report="calls.outcomes"' in page
