"""Excel building blocks shared by every report: Chinese headers, a frozen header row,
an auto-filter, column widths and number formats, and cell text that cannot run as a
formula when a manager opens the file."""
from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from copy import copy
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
    """A detail sheet in write-only mode, so a year of rows does not sit in memory.

    Speed is openpyxl's own as far as it can be: a value goes in bare (openpyxl then reuses
    one cell for the row) unless its column's format changes how it shows, and a formatted
    cell takes a copy of its column's style instead of looking the format up again."""
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
    styles = [_column_style(ws, column) for column in columns]
    whole = [column.number_format in _WHOLE_NUMBER_FORMATS for column in columns]
    count = 0
    for row in rows:
        cells: list[Any] = []
        for style, plain_int, value in zip(styles, whole, row):
            kind = type(value)
            if kind is str:
                cells.append(neutralise(value))
            elif style is None or value is None or (plain_int and kind is int):
                cells.append(value)
            else:
                cell = WriteOnlyCell(ws, value=value)
                cell._style = copy(style)  # openpyxl's own way to give a cell another's style
                cells.append(cell)
        ws.append(cells)
        count += 1
    last = get_column_letter(len(columns))
    ws.auto_filter.ref = f"A1:{last}{count + 1}"


#: Formats under which a whole number shows as it does with none.
_WHOLE_NUMBER_FORMATS = {"0", "General"}


def _column_style(ws: Any, column: Column) -> Any:
    if not column.number_format:
        return None
    cell = WriteOnlyCell(ws)
    cell.number_format = column.number_format
    return cell._style


def table_workbook(title: str, columns: Sequence[Column], rows: Iterable[Sequence[Any]]) -> Workbook:
    wb = Workbook(write_only=True)
    add_table_sheet(wb, title, columns, rows)
    return wb


def to_bytes(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def summary_workbook(title: str, notes: Sequence[str], columns: Sequence[Column],
                     rows: Sequence[Sequence[Any]], totals: Sequence[Any] | None = None) -> Workbook:
    """A workbook whose first sheet is :func:`add_summary_sheet`'s."""
    wb = Workbook()
    wb.remove(wb.active)
    add_summary_sheet(wb, title, notes, columns, rows, totals)
    return wb


def add_summary_sheet(wb: Workbook, title: str, notes: Sequence[str], columns: Sequence[Column],
                      rows: Sequence[Sequence[Any]], totals: Sequence[Any] | None = None) -> None:
    """A summary sheet a manager forwards as it is: the title and the period (and any
    definition the figures need, e.g. the service-level threshold) on top, then a table
    with a frozen header row, an auto-filter, widths and formats, and a bold totals row
    whose rates the caller recomputed from the totals."""
    ws = wb.create_sheet(title[:31])
    ws.append([neutralise(title)])
    ws.cell(row=1, column=1).font = Font(bold=True, size=14)
    for note in notes:
        ws.append([neutralise(note)])
    ws.append([])
    header_row = len(notes) + 3   # title, notes, a blank row
    ws.append([neutralise(column.title) for column in columns])
    for cell in ws[header_row]:
        cell.font, cell.fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
    for row in rows:
        ws.append([neutralise(value) for value in row])
    last_data_row = header_row + len(rows)
    if totals is not None:
        ws.append([neutralise(value) for value in totals])
        for cell in ws[ws.max_row]:
            cell.font = Font(bold=True)
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = column.width
        if column.number_format:
            for (cell,) in ws.iter_rows(min_row=header_row + 1, min_col=index, max_col=index):
                cell.number_format = column.number_format
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    ws.auto_filter.ref = f"A{header_row}:{get_column_letter(len(columns))}{last_data_row}"


def add_trend_chart(wb: Workbook, sheet_title: str, title: str, labels: Sequence[Any],
                    series: Sequence[tuple[str, Sequence[Any]]], anchor: str = "E2") -> None:
    """A sheet with a small table (labels and one column per series) and a native Excel
    line chart drawn from it: the chart stays live when the manager edits the numbers."""
    from openpyxl.chart import LineChart, Reference

    ws = wb.create_sheet(sheet_title[:31])
    ws.append([neutralise(sheet_title), *[neutralise(name) for name, _values in series]])
    for index, label in enumerate(labels):
        ws.append([neutralise(label), *[values[index] for _name, values in series]])
    ws.column_dimensions["A"].width = 14
    chart = LineChart()
    chart.title, chart.height, chart.width = title, 9, 18
    data = Reference(ws, min_col=2, max_col=1 + len(series), min_row=1, max_row=1 + len(labels))
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=1 + len(labels)))
    ws.add_chart(chart, anchor)
