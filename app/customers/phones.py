"""One number, one key: the national digits under which a customer's phone is indexed.

People write numbers with spaces, dashes, ``+86``; trunks deliver ``008613800000001`` or a
mobile with the trunk zero. Reducing every form to the national digits (``13800000001``,
``01065000000``) lets one indexed equality find the customer of a calling number."""
from __future__ import annotations

import re

MOBILE = re.compile(r"^1[3-9]\d{9}$")


def national_digits(raw: str | None) -> str:
    """The national form of ``raw`` (digits only); "" when it holds no digit."""
    digits = re.sub(r"\D", "", raw or "")
    if not digits:
        return ""
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) - len(prefix) >= 10:
            digits = digits[len(prefix):]
            break
    if digits.startswith("0") and MOBILE.match(digits[1:]):
        digits = digits[1:]
    if not MOBILE.match(digits) and not digits.startswith("0") and len(digits) >= 10:
        digits = "0" + digits  # a landline given without its trunk zero
    return digits
