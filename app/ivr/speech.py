"""How amounts and dates are spoken in Mandarin, as a list of pieces the call plays in
order: a whole number for Asterisk's SAY NUMBER, digits for SAY DIGITS, or a prompt name.
Kept apart from the call so the rules are tested without a channel.

Money is integer fen (never float): 1205 fen is "十二元零五分", 50 fen "五角", 10000 fen
"一百元", 0 "零元". A year is read digit by digit (二零二六年), month and day as numbers."""
from __future__ import annotations

from datetime import date
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
