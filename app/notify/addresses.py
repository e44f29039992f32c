"""Who a message can go to: Chinese telephone numbers and e-mail addresses, checked with a
message a person can act on, written in one canonical form, and masked where the log is
read by people who do not need the whole number.

A mobile number is 11 digits starting with 1 (13x-19x); a landline carries its area code
(010 and 02x are three digits, the others four) before a 7 or 8 digit local number. Spaces,
hyphens, brackets and a leading +86 / 0086 are accepted and dropped."""
from __future__ import annotations

import re
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

SMS = "sms"
EMAIL = "email"
CHANNELS = (SMS, EMAIL)

_SEPARATORS = re.compile(r"[\s\-()（）]")
_COUNTRY = re.compile(r"^(?:\+86|0086)")
MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^(?:010|02\d|0[3-9]\d{2})[2-9]\d{6,7}$")
#: One @, no spaces, a domain with a dot: what a person can type wrong, not RFC 5322.
_EMAIL = re.compile(r"^[^@\s]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")

NOT_A_MOBILE = _l("A mobile number has 11 digits and starts with 1, e.g. 13800138000.")
NOT_A_PHONE = _l("Not a telephone number: a mobile number has 11 digits starting with 1, "
                 "a landline its area code first, e.g. 010-65000000.")
NO_AREA_CODE = _l("A landline number needs its area code, e.g. 010-65000000.")
NOT_AN_EMAIL = _l("Not an e-mail address (name@example.com).")


def digits(phone: str) -> str:
    """``phone`` without separators and country code (not yet checked)."""
    return _COUNTRY.sub("", _SEPARATORS.sub("", phone or ""))


def is_mobile(phone: str) -> bool:
    return bool(MOBILE.match(digits(phone)))


def phone_problem(phone: str, mobile_only: bool = False) -> str | None:
    """Why ``phone`` is not a number we can use (a translated sentence), or ``None``."""
    number = digits(phone)
    if MOBILE.match(number):
        return None
    if mobile_only:
        return str(NOT_A_MOBILE)
    if LANDLINE.match(number):
        return None
    if number.isdigit() and 7 <= len(number) <= 8 and not number.startswith(("0", "1")):
        return str(NO_AREA_CODE)
    return str(NOT_A_PHONE)


def email_problem(address: str) -> str | None:
    address = (address or "").strip()
    if len(address) > 254 or not _EMAIL.match(address):
        return str(NOT_AN_EMAIL)
    return None


def recipient_problem(channel: str, to: str) -> str | None:
    """Why a message on ``channel`` cannot go to ``to``: an SMS needs a mobile number."""
    return phone_problem(to, mobile_only=True) if channel == SMS else email_problem(to)


def canonical(channel: str, to: str) -> str:
    """The form the log keeps and the notifier receives: bare digits, a trimmed address."""
    return digits(to) if channel == SMS else (to or "").strip()


def masked(to: str) -> str:
    """A recipient as the log shows it to those who need not know it: ``138****8000``,
    ``z***@example.com``."""
    if "@" in to:
        local, _, domain = to.partition("@")
        return f"{local[:1]}***@{domain}"
    if len(to) <= 4:
        return "*" * len(to)
    keep = 3 if len(to) == 11 else max(0, len(to) - 8)
    return to[:keep] + "*" * (len(to) - keep - 4) + to[-4:]


class PhoneNumber:
    """A WTForms validator: the field holds a number we can use (``mobile_only`` for a
    number that must receive SMS); the field's data is left as typed."""

    def __init__(self, mobile_only: bool = False) -> None:
        self.mobile_only = mobile_only

    def __call__(self, form: Any, field: Any) -> None:
        if field.data:
            problem = phone_problem(field.data, self.mobile_only)
            if problem:
                raise ValidationError(problem)


class EmailAddress:
    """A WTForms validator for an e-mail address (empty passes: combine with a required one)."""

    def __call__(self, form: Any, field: Any) -> None:
        if field.data:
            problem = email_problem(field.data)
            if problem:
                raise ValidationError(problem)
