"""What is masked, in one place: account numbers as agents may see them, digit runs in the
protocol log, and every secret a caller typed in a call (PINs, accounts) wherever the call
stores or logs text."""
from __future__ import annotations

import re
from typing import Any

MASK = "******"
_LONG_DIGIT_RUN = re.compile(r"\d{8,}")


def mask(value: str, keep: int = 4) -> str:
    """An account number as an agent may see it: the last ``keep`` digits of a long one."""
    value = str(value)
    if len(value) <= keep + 2:
        return "*" * len(value)
    return "*" * (len(value) - keep) + value[-keep:]


def mask_digits(text: str) -> str:
    """Long digit runs (account numbers, phone numbers) keep only their last 4 digits;
    a strictly rising run is a set of escape digits ("0123456789") and stays readable."""

    def masked(match: re.Match[str]) -> str:
        run = match.group()
        if all(a < b for a, b in zip(run, run[1:])):
            return run
        return "*" * (len(run) - 4) + run[-4:]

    return _LONG_DIGIT_RUN.sub(masked, text)


class Secrets:
    """The secrets typed in one call, remembered only to be scrubbed from what is kept."""

    def __init__(self) -> None:
        self._values: set[str] = set()

    def remember(self, value: str) -> None:
        if value:
            self._values.add(value)

    def scrub(self, text: str) -> str:
        """``text`` with every secret of four digits or more replaced by :data:`MASK`."""
        for secret in sorted(self._values, key=len, reverse=True):
            if len(secret) >= 4:
                text = text.replace(secret, MASK)
        return text

    def clean(self, value: Any) -> Any:
        """``value`` (nested dicts, lists, scalars) as it may be stored and shown: a secret
        put there by mistake is masked, anything that is not JSON becomes text."""
        if isinstance(value, str):
            return MASK if value in self._values else self.scrub(value)
        if isinstance(value, dict):
            return {str(k): self.clean(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [self.clean(v) for v in value]
        if value is None or isinstance(value, (bool, int, float)):
            return value
        return self.clean(str(value))
