"""The catalog from an Excel workbook (the issuing office's yearly catalog, 报刊目录): one
title per row under a header row, matched by column name (Chinese or English). Every row is
checked on its own: good rows are added or update the title of the same issuing code, bad
rows are listed with their row number and what is wrong, so the back office corrects the
sheet and imports it again (a second import of the same sheet changes nothing).

Prices are written in yuan (``1.50``) as spreadsheets do and stored in fen; more than two
decimals is an error, never a rounding."""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from flask_babel import gettext as _
from openpyxl import load_workbook
from sqlalchemy import select

from app import api

from .codes import FREQUENCIES, FREQUENCY_NAMES, canonical, parse_periods, periods_text
from .models import NewspaperTitle

HEADERS = {
    "code": ("邮发代号", "code", "issuing code"),
    "title": ("报刊名称", "刊名", "title"),
    "publisher": ("出版单位", "出版社", "publisher"),
    "frequency": ("刊期", "frequency"),
    "price_issue": ("每期定价(元)", "每期定价", "单价(元)", "price per issue"),
    "price_month": ("月价(元)", "月价", "月定价", "price per month"),
    "periods": ("可订期限", "订期", "periods"),
    "deadline_day": ("收订截止日", "截止日", "deadline day"),
    "orders_until": ("停止收订日期", "orders until"),
}
REQUIRED = ("code", "title", "price_month", "periods")
MAX_ROWS = 20000


@dataclass
class ImportResult:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


def _norm(text: Any) -> str:
    return unicodedata.normalize("NFKC", str(text or "")).strip().lower().replace(" ", "")


def _columns(header: tuple[Any, ...]) -> dict[str, int]:
    names = {_norm(alias): key for key, aliases in HEADERS.items() for alias in aliases}
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        key = names.get(_norm(cell))
        if key and key not in found:
            found[key] = index
    return found


def yuan_to_fen(value: Any) -> int | None:
    """``1.5`` / ``"1.50"`` → 150; ``None`` for anything that is not a non-negative amount
    with at most two decimals."""
    if value is None or isinstance(value, bool) or str(value).strip() == "":
        return None
    try:
        amount = Decimal(unicodedata.normalize("NFKC", str(value)).strip().replace("¥", "").replace("元", ""))
    except InvalidOperation:
        return None
    fen = amount * 100
    if amount < 0 or fen != fen.to_integral_value():
        return None
    return int(fen)


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFKC", str(value if value is not None else "")).strip()


def _row_values(row: tuple[Any, ...], columns: dict[str, int]) -> dict[str, Any]:
    return {key: (row[index] if index < len(row) else None) for key, index in columns.items()}


def _check(values: dict[str, Any]) -> tuple[dict[str, Any] | None, list[str]]:
    problems: list[str] = []
    code = canonical(_text(values.get("code")))
    if code is None:
        problems.append(_("issuing code %(value)s is not two numbers joined by a dash (1-1)",
                          value=_text(values.get("code")) or "—"))
    title = _text(values.get("title"))
    if not title:
        problems.append(_("the title is empty"))
    elif len(title) > 100:
        problems.append(_("the title is longer than 100 characters"))
    month = yuan_to_fen(values.get("price_month"))
    if month is None or month == 0:
        problems.append(_("the price per month must be an amount in yuan above zero, at most two decimals"))
    issue_value = values.get("price_issue")
    issue = yuan_to_fen(issue_value) if _text(issue_value) else 0
    if issue is None:
        problems.append(_("the price per issue must be an amount in yuan, at most two decimals"))
    periods = parse_periods(_text(values.get("periods")))
    if periods is None:
        problems.append(_("the periods must be among month, quarter, half-year and year (1, 3, 6, 12)"))
    frequency_text = _text(values.get("frequency"))
    frequency = FREQUENCY_NAMES.get(frequency_text, frequency_text.lower() or "daily")
    if frequency not in FREQUENCIES:
        problems.append(_("unknown frequency %(value)s", value=frequency_text))
    deadline_text = _text(values.get("deadline_day"))
    deadline = int(deadline_text) if deadline_text.isdigit() else (20 if not deadline_text else None)
    if deadline is None or not 1 <= deadline <= 28:
        problems.append(_("the order deadline must be a day of the month from 1 to 28"))
    until_value = values.get("orders_until")
    until: date | None = None
    if isinstance(until_value, datetime):
        until = until_value.date()
    elif isinstance(until_value, date):
        until = until_value
    elif _text(until_value):
        try:
            until = date.fromisoformat(_text(until_value))
        except ValueError:
            problems.append(_("the last order day must be a date (2027-11-30)"))
    if problems:
        return None, problems
    return {"code": code, "title": title, "publisher": _text(values.get("publisher"))[:100],
            "frequency": frequency, "price_issue_fen": issue, "price_month_fen": month,
            "periods": periods_text(periods or []), "deadline_day": deadline, "orders_until": until}, []


def import_catalog(stream: IO[bytes]) -> ImportResult:
    """Reads the first sheet of the workbook in ``stream`` and saves its good rows."""
    result = ImportResult()
    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except Exception:  # not an xlsx file: openpyxl raises several kinds
        result.errors.append((0, _("The file is not an Excel workbook (.xlsx).")))
        return result
    rows = workbook.worksheets[0].iter_rows(values_only=True)
    header = next(rows, None)
    columns = _columns(header or ())
    missing = [HEADERS[key][0] for key in REQUIRED if key not in columns]
    if missing:
        result.errors.append((1, _("Columns missing from the header row: %(names)s", names="、".join(missing))))
        return result
    seen: dict[str, int] = {}
    for number, row in enumerate(rows, start=2):
        if number > MAX_ROWS + 1:
            result.errors.append((number, _("More than %(count)s rows: the rest was not read.", count=MAX_ROWS)))
            break
        if not any(_text(v) for v in row):
            continue
        values, problems = _check(_row_values(row, columns))
        if values and values["code"] in seen:
            problems = [_("issuing code %(code)s is already on row %(row)s", code=values["code"],
                          row=seen[values["code"]])]
            values = None
        if values is None:
            result.errors.append((number, "；".join(problems)))
            continue
        seen[values["code"]] = number
        _save(values, result)
    api.db.session.commit()
    return result


def _save(values: dict[str, Any], result: ImportResult) -> None:
    title = api.db.session.scalar(select(NewspaperTitle).where(NewspaperTitle.code == values["code"]))
    if title is None:
        api.db.session.add(NewspaperTitle(**values))
        result.added += 1
        return
    if all(getattr(title, key) == value for key, value in values.items()):
        result.unchanged += 1
        return
    for key, value in values.items():
        setattr(title, key, value)
    result.updated += 1
