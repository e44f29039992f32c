"""Issuing codes (邮发代号) and subscription periods: the small rules every channel shares.

An issuing code is two whole numbers joined by a dash, ``1-1`` or ``82-125``; on a
telephone keypad there is no dash, so the caller types ``1*1#`` and the IVR reads ``1*1``.
Both spellings (and full-width digits or a long dash typed with a Chinese input method)
come to the same canonical ``1-1``, without leading zeros."""
from __future__ import annotations

import re
import unicodedata

from flask_babel import lazy_gettext as _l

CODE = re.compile(r"\s*0*([1-9][0-9]{0,3})\s*[-*－—–]\s*0*([1-9][0-9]{0,3})\s*\Z")
#: The keypad spelling: digits, one star, digits (``#`` already stripped by the IVR).
KEYPAD_MAX = 9

#: Months of each subscription period a title may allow (月订, 季订, 半年订, 年订).
PERIODS: dict[int, object] = {
    1: _l("One month"),
    3: _l("Quarterly"),
    6: _l("Half-year"),
    12: _l("One year"),
}
#: The IVR's period menu: key → months.
PERIOD_KEYS = {"1": 1, "2": 3, "3": 6, "4": 12}

FREQUENCIES: dict[str, object] = {
    "daily": _l("Published daily"),
    "weekly": _l("Published weekly"),
    "biweekly": _l("Twice a month"),
    "monthly": _l("Monthly issue"),
    "bimonthly": _l("Every two months"),
    "quarterly": _l("Quarterly issue"),
}
#: Chinese names of the frequencies as catalog spreadsheets write them.
FREQUENCY_NAMES = {"日刊": "daily", "周刊": "weekly", "半月刊": "biweekly", "旬刊": "biweekly",
                   "月刊": "monthly", "双月刊": "bimonthly", "季刊": "quarterly"}
PERIOD_NAMES = {"月": 1, "月订": 1, "季": 3, "季订": 3, "季度": 3, "半年": 6, "半年订": 6,
                "年": 12, "年订": 12, "全年": 12}


def canonical(text: str | None) -> str | None:
    """``"1-1"`` for ``"1-1"``, ``"1*1"``, ``"０１－１"``; ``None`` when it is no issuing code."""
    match = CODE.match(unicodedata.normalize("NFKC", text or ""))
    return f"{match.group(1)}-{match.group(2)}" if match else None


def is_keypad_code(digits: str) -> bool:
    """What the IVR accepts as typed: ``1*1`` (a star between two numbers)."""
    return "*" in digits and canonical(digits) is not None and digits.count("*") == 1


def parse_periods(text: str) -> list[int] | None:
    """``"1,3,6,12"`` or ``"月、季、半年、年"`` → sorted months; ``None`` when a part is unknown."""
    parts = [p for p in re.split(r"[\s,，、;；/]+", unicodedata.normalize("NFKC", text or "").strip()) if p]
    months: set[int] = set()
    for part in parts:
        if part.isdigit() and int(part) in PERIODS:
            months.add(int(part))
        elif part in PERIOD_NAMES:
            months.add(PERIOD_NAMES[part])
        else:
            return None
    return sorted(months) or None


def periods_text(months: list[int]) -> str:
    return ",".join(str(m) for m in sorted(months))
