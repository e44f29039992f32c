"""Cell text that cannot run as a formula when someone opens the file in a spreadsheet
program (CSV/formula injection): every room that writes Excel, the reports and the customer
export, uses this one rule. It sits at the bottom of the layers so that any room can."""
from __future__ import annotations

from typing import Any

#: Text starting with one of these is read as a formula (or DDE) by spreadsheet programs.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe; numbers
    and dates pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value
