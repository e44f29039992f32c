"""Mail item numbers: the UPU S10 international form (``EA123456785CN``) and China Post's
13-digit all-numeric domestic numbers.

S10: two letters (the service: EA–EZ EMS, CA–CZ parcels, RA–RZ registered, LA–LZ express
letters...), an 8-digit serial, one check digit, two letters of the country. The check
digit is 11 - (S mod 11), where S weighs the serial's digits by 8, 6, 4, 2, 3, 5, 9, 7;
10 becomes 0 and 11 becomes 5. A wrong check digit is refused at once (a typo, never an
item of ours), on the page and on the phone.

On a keypad a caller cannot type letters: the IVR takes the 9 digits of the serial and
check digit (:func:`parse_keyed`). A domestic number has no published check rule we could
rely on: 13 digits is all that is checked."""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass

WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)
S10 = "s10"
DOMESTIC = "domestic"
KEYED_S10 = 9
DOMESTIC_DIGITS = 13


class BadNumber(ValueError):
    """Why a typed number cannot be an item number: ``reason`` is ``format`` or
    ``check_digit``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class ItemNumber:
    """A checked number: ``text`` as stored (upper case, no spaces), its ``kind`` and,
    for S10, the ``serial`` of 9 digits (serial and check digit) a caller types."""

    text: str
    kind: str

    @property
    def serial(self) -> str:
        return self.text[2:11] if self.kind == S10 else self.text


def check_digit(serial: str) -> int:
    """The S10 check digit of an 8-digit serial."""
    if len(serial) != 8 or not serial.isdigit():
        raise ValueError(f"an S10 serial is 8 digits: {serial!r}")
    remainder = sum(int(d) * w for d, w in zip(serial, WEIGHTS)) % 11
    check = 11 - remainder
    return {10: 0, 11: 5}.get(check, check)


def normalise(value: str | None) -> str:
    """Full-width characters made half-width (a Chinese input method types ＥＡ１２３),
    spaces and dashes removed, letters upper case."""
    text = unicodedata.normalize("NFKC", value or "")
    return "".join(ch for ch in text if not ch.isspace() and ch != "-").upper()


def _s10_serial_ok(digits9: str) -> bool:
    return check_digit(digits9[:8]) == int(digits9[8])


def parse(value: str | None) -> ItemNumber:
    """A number typed on a page: S10 or 13-digit domestic; :class:`BadNumber` else."""
    text = normalise(value)
    if len(text) == 13 and text.isdigit():
        return ItemNumber(text, DOMESTIC)
    if (len(text) == 13 and text[:2].isascii() and text[:2].isalpha() and text[2:11].isdigit()
            and text[11:].isascii() and text[11:].isalpha()):
        if not _s10_serial_ok(text[2:11]):
            raise BadNumber("check_digit")
        return ItemNumber(text, S10)
    raise BadNumber("format")


def parse_keyed(digits: str) -> ItemNumber | str:
    """What a caller typed: 13 digits (a domestic number, returned as an
    :class:`ItemNumber`) or 9 (an S10 serial and check digit, returned as the 9 digits to
    look up by serial). :class:`BadNumber` for a wrong check digit or length."""
    if len(digits) == DOMESTIC_DIGITS and digits.isdigit():
        return ItemNumber(digits, DOMESTIC)
    if len(digits) == KEYED_S10 and digits.isdigit():
        if not _s10_serial_ok(digits):
            raise BadNumber("check_digit")
        return digits
    raise BadNumber("format")


def keyed_shape_ok(digits: str) -> bool:
    """9 or 13 digits: the lengths a caller may type (the check digit is judged after)."""
    return digits.isdigit() and len(digits) in (KEYED_S10, DOMESTIC_DIGITS)
