"""The reports' tests build a report the way a manager's cron job does, with
``postline reports build``, and read back the .xlsx it wrote."""
from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from flask.cli import ScriptInfo
from openpyxl import Workbook, load_workbook

from app.commands import cli
from app.testing import submit


@dataclass
class Built:
    """The workbook the command wrote, with each sheet's cell values as row tuples."""

    book: Workbook

    @property
    def sheets(self) -> dict[str, list[tuple[Any, ...]]]:
        return {ws.title: [tuple(cell.value for cell in row) for row in ws.iter_rows()] for ws in self.book}

    @property
    def rows(self) -> list[tuple[Any, ...]]:
        """The first sheet's rows (the summary, or the detail table)."""
        return list(self.sheets.values())[0]

    def by_label(self, sheet: str | None = None) -> dict[Any, tuple[Any, ...]]:
        """A sheet's rows by their first cell (the totals row under 合计)."""
        rows = self.sheets[sheet] if sheet else self.rows
        return {row[0]: row for row in rows}


@pytest.fixture
def build_report(app, tmp_path) -> Callable[..., Built]:
    """``build_report(name, *options, start=, end=)`` runs ``postline reports build`` for the
    days ``start`` to ``end`` (default 1 December 2026) and fails the test unless it exits 0."""

    def build(name: str, *options: str, start: str = "2026-12-01", end: str = "2026-12-01") -> Built:
        out = tmp_path / f"{name}.xlsx"
        result = app.test_cli_runner().invoke(
            cli, ["reports", "build", name, "--from", start, "--to", end, *options, "-o", str(out)],
            obj=ScriptInfo(create_app=lambda: app))
        assert result.exit_code == 0, result.output
        return Built(load_workbook(out))

    return build


@pytest.fixture
def download_report(app, login) -> Callable[..., Built]:
    """``download_report(name, **fields)``: an agent is refused the report's page (403); a
    manager submits its form (the period fields default to 1 December 2026, by day, every
    queue) and gets the .xlsx."""

    def download(name: str, **fields: str) -> Built:
        assert login("agent").get(f"/reports/{name}").status_code == 403
        values = {"start": "2026-12-01", "end": "2026-12-01", "period": "day", "queue": "", **fields}
        response = submit(login("manager"), f"/reports/{name}", values)
        assert response.status_code == 200, response.get_data(as_text=True)[:500]
        return Built(load_workbook(io.BytesIO(response.data)))

    return download
