"""How amounts and dates are spoken in Mandarin, as a list of pieces the call plays in
order: a whole number for Asterisk's SAY NUMBER, digits for SAY DIGITS, or a prompt name.
Kept apart from the call so the rules are tested without a channel.

Money is integer fen (never float): 1205 fen is "十二元零五分", 50 fen "五角", 10000 fen
"一百元", 0 "零元". A year is read digit by digit (二零二六年), month and day as numbers.
Opening hours are said from the line's week (周一至周五八点半至十七点半), so what the caller
hears always matches the calendar; :func:`pieces_text` gives the same words as text."""
from __future__ import annotations

from datetime import date, time
from typing import Literal

from app.ivr.prompts import texts as p

Piece = tuple[Literal["number", "digits", "prompt"], int | str]


def amount_pieces(fen: int) -> list[Piece]:
    """The pieces of an amount of ``fen`` (分). Refuses floats and bools: a float amount is
    a bug upstream (0.1 + 0.2 yuan is not 30 fen), better heard in a test than by a caller."""
    if isinstance(fen, bool) or not isinstance(fen, int):
        raise TypeError(f"amounts are integer fen, not {type(fen).__name__}")
    pieces: list[Piece] = []
    if fen < 0:
        pieces.append(("prompt", p.MONEY_MINUS))
        fen = -fen
    yuan, rest = divmod(fen, 100)
    jiao, fen_part = divmod(rest, 10)
    if yuan or not rest:
        pieces += [("number", yuan), ("prompt", p.MONEY_YUAN)]
    if jiao:
        pieces += [("number", jiao), ("prompt", p.MONEY_JIAO)]
    if fen_part:
        if yuan and not jiao:
            pieces.append(("prompt", p.MONEY_LING))
        pieces += [("number", fen_part), ("prompt", p.MONEY_FEN)]
    return pieces


def date_pieces(day: date) -> list[Piece]:
    """二零二六年十一月二十三日."""
    return [("digits", f"{day.year:04d}"), ("prompt", p.DATE_YEAR),
            ("number", day.month), ("prompt", p.DATE_MONTH),
            ("number", day.day), ("prompt", p.DATE_DAY)]


Week = dict[str, list[tuple[time, "time | None"]]]  # app.calendars.hours.parse_week


def hours_pieces(week: Week | None) -> list[Piece]:
    """A week's opening hours: days with the same hours together (每天, 周一至周五, 周六),
    each followed by its ranges (八点半至十二点和十三点半至十七点半). ``None``: open around
    the clock."""
    if week is None:
        return [("prompt", p.HOURS_ALWAYS)]
    days = list(p.WEEKDAY_NAMES)
    groups: list[tuple[list[str], list[tuple[time, time | None]]]] = []
    for day in days:
        ranges = week.get(day) or []
        if not ranges:
            continue
        same = next((g for g in groups if g[1] == ranges), None)
        if same:
            same[0].append(day)
        else:
            groups.append(([day], ranges))
    if not groups:
        return [("prompt", p.HOURS_NEVER)]
    pieces: list[Piece] = []
    for group_days, ranges in groups:
        pieces += _days_pieces(group_days, days)
        for i, (start, stop) in enumerate(ranges):
            if i:
                pieces.append(("prompt", p.HOURS_AND))
            pieces += _clock_pieces(start) + [("prompt", p.HOURS_TO)] + _clock_pieces(stop)
    return pieces


def _days_pieces(group: list[str], days: list[str]) -> list[Piece]:
    if len(group) == len(days):
        return [("prompt", p.HOURS_EVERY_DAY)]
    positions = [days.index(d) for d in group]
    if len(group) > 2 and positions == list(range(positions[0], positions[-1] + 1)):
        return [("prompt", p.WEEKDAY_NAMES[group[0]]), ("prompt", p.HOURS_TO),
                ("prompt", p.WEEKDAY_NAMES[group[-1]])]
    return [("prompt", p.WEEKDAY_NAMES[d]) for d in group]


def _clock_pieces(moment: time | None) -> list[Piece]:
    """八点, 八点半, 八点零五分, 二十四点 (``None``: midnight at the end of the day)."""
    if moment is None:
        return [("number", 24), ("prompt", p.HOURS_OCLOCK)]
    pieces: list[Piece] = [("number", moment.hour), ("prompt", p.HOURS_OCLOCK)]
    if moment.minute == 30:
        pieces.append(("prompt", p.HOURS_HALF))
    elif moment.minute:
        if moment.minute < 10:
            pieces.append(("prompt", p.MONEY_LING))
        pieces += [("number", moment.minute), ("prompt", p.HOURS_MINUTE)]
    return pieces


_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """0-99 as Mandarin says them: 八, 十, 十七, 二十, 二十四."""
    if not 0 <= n < 100:
        raise ValueError(f"{n} is outside 0-99")
    tens, units = divmod(n, 10)
    if not tens:
        return _DIGITS[units]
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[units] if units else "")


def pieces_text(pieces: list[Piece]) -> str:
    """What the pieces say, as text (numbers up to 99, as the hours have them)."""
    out = []
    for kind, value in pieces:
        if kind == "number":
            out.append(chinese_number(int(value)))
        elif kind == "digits":
            out.append("".join(_DIGITS[int(c)] for c in str(value)))
        else:
            out.append(p.PROMPTS[str(value)])
    return "".join(out)
