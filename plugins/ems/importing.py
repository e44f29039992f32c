"""Importing tracking events from the postal network's exports: a CSV (UTF-8, with or
without BOM; GB18030 as the network's older tools write it) or an Excel workbook (.xlsx,
first sheet). The first row names the columns, in Chinese or English, in any order:

======== ========== =========================================
邮件号    number     S10 or 13-digit domestic; check digit checked
时间      time       ``YYYY-MM-DD HH:MM[:SS]`` in the centre's time zone, or an Excel date
地点      place      optional
事件      event      the network's text (状态 from it, see :mod:`.events`)
机构      office     optional
======== ========== =========================================

Every good row is stored, every bad one reported with its row number and why (the file
goes back to whoever exported it, fixed rows can be imported again: an event already
stored, same item, time and text, is skipped, not doubled). An item not yet known is
added with its first event."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Iterable, Iterator
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from openpyxl import load_workbook
from sqlalchemy import select

from app import api

from .events import status_of
from .models import EmsEvent, EmsItem
from .numbers import BadNumber, parse

HEADERS = {
    "number": ("邮件号", "邮件号码", "number", "tracking"),
    "time": ("时间", "处理时间", "time", "at"),
    "place": ("地点", "place"),
    "event": ("事件", "处理情况", "event"),
    "office": ("机构", "处理机构", "office"),
}
REQUIRED = ("number", "time", "event")
MOST_ROWS = 100_000
TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M")


@dataclass
class ImportReport:
    """What an import did: events stored, repeats skipped, items added, and one
    ``(row, message)`` per bad row (row 1 is the header)."""

    added: int = 0
    skipped: int = 0
    items_added: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


class BadFile(ValueError):
    """The file as a whole cannot be read (not CSV/Excel, no header we know)."""


def read_rows(filename: str, data: bytes) -> Iterator[list[Any]]:
    """The rows of the file, header first, as lists of cell values."""
    if filename.lower().endswith(".xlsx"):
        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # zipfile.BadZipFile, KeyError, ...: not a workbook
            raise BadFile(_("The file is not an Excel workbook (.xlsx).")) from exc
        sheet = book.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield list(row)
        return
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise BadFile(_("The file is neither UTF-8 nor GB18030 text."))
    yield from csv.reader(io.StringIO(text))


def _columns(header: list[Any]) -> dict[str, int]:
    names = [str(h or "").strip().lower() for h in header]
    found: dict[str, int] = {}
    for key, aliases in HEADERS.items():
        for i, name in enumerate(names):
            if name in aliases:
                found[key] = i
                break
    missing = [HEADERS[key][0] for key in REQUIRED if key not in found]
    if missing:
        raise BadFile(_("The first row must name the columns; missing: %(columns)s.", columns="、".join(missing)))
    return found


def _time(value: Any) -> datetime:
    """A local time of the file → naive UTC."""
    zone = ZoneInfo(current_app.config["TIMEZONE"])
    if isinstance(value, datetime):
        local_time = value
    else:
        text = str(value or "").strip()
        for fmt in TIME_FORMATS:
            try:
                local_time = datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
        else:
            raise ValueError(text)
    return local_time.replace(tzinfo=zone).astimezone(timezone.utc).replace(tzinfo=None)


def _cell(row: list[Any], columns: dict[str, int], key: str) -> str:
    i = columns.get(key)
    if i is None or i >= len(row) or row[i] is None:
        return ""
    return str(row[i]).strip()


def import_events(rows: Iterable[list[Any]]) -> ImportReport:
    """Store the events of ``rows`` (header first); commits once at the end."""
    report = ImportReport()
    iterator = iter(rows)
    try:
        header = next(iterator)
    except StopIteration:
        raise BadFile(_("The file is empty.")) from None
    columns = _columns(header)
    items: dict[str, EmsItem] = {}
    seen: set[tuple[str, datetime, str]] = set()
    for number_in_file, row in enumerate(iterator, start=2):
        if number_in_file > MOST_ROWS + 1:
            report.errors.append((number_in_file, _("Too many rows: at most %(n)s a file.", n=MOST_ROWS)))
            break
        if not any(str(c or "").strip() for c in row):
            continue
        problem = _store_row(row, columns, items, seen, report)
        if problem:
            report.errors.append((number_in_file, problem))
    api.db.session.commit()
    return report


def _store_row(row: list[Any], columns: dict[str, int], items: dict[str, EmsItem],
               seen: set[tuple[str, datetime, str]], report: ImportReport) -> str:
    """Stores one row; returns why it cannot be stored, or ``""``."""
    raw_number = _cell(row, columns, "number")
    try:
        number = parse(raw_number)
    except BadNumber as exc:
        if exc.reason == "check_digit":
            return _("%(number)s: the check digit is wrong.", number=raw_number)
        return _("“%(number)s” is not a mail item number (S10 such as EA123456785CN, or 13 digits).",
                 number=raw_number)
    try:
        at = _time(row[columns["time"]] if columns["time"] < len(row) else "")
    except ValueError:
        return _("The time “%(time)s” is not YYYY-MM-DD HH:MM.", time=_cell(row, columns, "time"))
    event = _cell(row, columns, "event")[:200]
    if not event:
        return _("The event is empty.")
    key = (number.text, at, event)
    if key in seen:
        report.skipped += 1
        return ""
    seen.add(key)
    item = items.get(number.text) or api.db.session.scalar(select(EmsItem).where(EmsItem.number == number.text))
    if item is None:
        item = EmsItem(number=number.text, kind=number.kind, serial=number.serial)
        api.db.session.add(item)
        api.db.session.flush()
        report.items_added += 1
    items[number.text] = item
    exists = api.db.session.scalar(select(EmsEvent.id).where(EmsEvent.item_id == item.id, EmsEvent.at == at,
                                                             EmsEvent.event == event))
    if exists is not None:
        report.skipped += 1
        return ""
    api.db.session.add(EmsEvent(item_id=item.id, at=at, event=event, status=status_of(event),
                                place=_cell(row, columns, "place")[:100], office=_cell(row, columns, "office")[:100]))
    report.added += 1
    return ""
