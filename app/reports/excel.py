"""Excel building blocks shared by every report: Chinese headers, a frozen header row,
an auto-filter, column widths and number formats, and cell text that cannot run as a
formula when a manager opens the file."""
from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from app.cellsafety import neutralise


@dataclass
class Column:
    title: str
    width: int = 14
    number_format: str | None = None  # e.g. "0", "0.00%", "yyyy-mm-dd hh:mm"


def add_table_sheet(wb: Workbook, title: str, columns: Sequence[Column], rows: Iterable[Sequence[Any]]) -> None:
    """A detail sheet in write-only mode, so a year of rows does not sit in memory."""
    ws = wb.create_sheet(title=title[:31])
    ws.freeze_panes = "A2"
    for index, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
    header_font, header_fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    header = []
    for column in columns:
        cell = WriteOnlyCell(ws, value=neutralise(column.title))
        cell.font, cell.fill = header_font, header_fill
        cell.alignment = Alignment(horizontal="center")
        header.append(cell)
    ws.append(header)
    count = 0
    for row in rows:
        cells = []
        for column, value in zip(columns, row):
            cell = WriteOnlyCell(ws, value=neutralise(value))
            if column.number_format:
                cell.number_format = column.number_format
            cells.append(cell)
        ws.append(cells)
        count += 1
    last = get_column_letter(len(columns))
    ws.auto_filter.ref = f"A1:{last}{count + 1}"


def table_workbook(title: str, columns: Sequence[Column], rows: Iterable[Sequence[Any]]) -> Workbook:
    wb = Workbook(write_only=True)
    add_table_sheet(wb, title, columns, rows)
    return wb


def to_bytes(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
