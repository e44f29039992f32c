"""Chinese resident ID-card numbers (居民身份证号码, GB 11643) as a caller types them.

18 characters: 17 digits and a check character. The check is the weighted sum of the 17
digits (weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2) modulo 11, mapped through
"10X98765432". A keypad has no ``X``: the caller types ``*`` for it, so both spellings are
accepted here and the stored form always uses ``X``."""
from __future__ import annotations

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECKS = "10X98765432"
LENGTH = 18


def check_character(first17: str) -> str:
    """The check character of the first 17 digits."""
    if len(first17) != LENGTH - 1 or not first17.isdigit():
        raise ValueError("an ID-card number starts with 17 digits")
    return CHECKS[sum(int(d) * w for d, w in zip(first17, WEIGHTS)) % 11]


def normalise(typed: str) -> str:
    """``*`` (the keypad's X) and a lower-case ``x`` as ``X``; surrounding spaces dropped."""
    return typed.strip().replace("*", "X").replace("x", "X")


def is_valid(typed: str) -> bool:
    """True for 17 digits followed by their right check character (X typed as ``*``)."""
    number = normalise(typed)
    if len(number) != LENGTH or not number[:-1].isdigit():
        return False
    return check_character(number[:-1]) == number[-1]
