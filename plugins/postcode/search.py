"""The three lookups an agent makes: the places of a postcode, the postcodes of a named
province/city/county, and the postcodes of the places named in free address text.

Pure functions over :func:`data.index`: no Flask, no database, so they are easy to reason
about and the agent's page and the IVR node share them."""
from __future__ import annotations

from dataclasses import dataclass

from .data import AREA_DIGITS, LEVELS, Region, index
from .names import aliases, clean, core, key

MIN_LOOSE = 2  # a typed name shorter than this is never matched as part of a longer one


@dataclass(frozen=True)
class PostcodeResult:
    """``exact``: the rows with this postcode. ``nearby``: when there are none, the rows
    sharing its first four digits, i.e. the same county or city delivery area."""

    postcode: str
    exact: tuple[Region, ...]
    nearby: tuple[Region, ...] = ()

    @property
    def area(self) -> str:
        return self.postcode[:AREA_DIGITS]


@dataclass(frozen=True)
class RegionResult:
    """``best``: the rows that match what was typed most fully; ``others``: rows that
    match less of it (the same county name in another city), listed after them."""

    best: tuple[Region, ...]
    others: tuple[Region, ...] = ()

    @property
    def total(self) -> int:
        return len(self.best) + len(self.others)


def by_postcode(postcode: str) -> PostcodeResult:
    """``postcode`` is six ASCII digits (the form checks it)."""
    idx = index()
    exact = idx.by_postcode.get(postcode, ())
    nearby = () if exact else idx.by_area.get(postcode[:AREA_DIGITS], ())
    return PostcodeResult(postcode, exact, nearby)


def by_names(province: str = "", city: str = "", county: str = "") -> RegionResult:
    """Rows matching every name given, with or without its suffix ("福建" = "福建省").
    When nothing matches exactly, a typed name (two characters or more) may be part of
    the data's name ("乳源瑶族" finds "乳源瑶族自治县")."""
    wanted = {level: clean(value) for level, value in zip(LEVELS, (province, city, county)) if clean(value)}
    if not wanted:
        return RegionResult(())
    for loose in (False, True):
        rows = tuple(r for r in index().rows
                     if all(_name_matches(typed, getattr(r, level), loose) for level, typed in wanted.items()))
        if rows:
            return RegionResult(rows)
    return RegionResult(())


def _name_matches(typed: str, name: str, loose: bool) -> bool:
    if typed in aliases(name) or key(typed) == core(name):
        return True
    return loose and len(key(typed)) >= MIN_LOOSE and key(typed) in name


def in_text(text: str) -> RegionResult:
    """The most specific places named in ``text``.

    Its counties, if it names any and they agree with a city or province it also names
    (or it names none); else the rows of the cities it names, else of its provinces, with
    the disagreeing counties after them ("广州市中山路" is 广州, not 大连's 中山区). Rows
    whose city and province the text names come first (2 points for the city, 1 for the
    province); the rest follow as ``others``."""
    found = read_names(clean(text))
    provinces, cities, counties = (found[level] for level in LEVELS)
    rows = index().rows

    def score(row: Region) -> int:
        return 2 * (row.city in cities) + (row.province in provinces)

    county_rows = [r for r in rows if not r.is_city_row and r.county in counties]
    extra: list[Region] = []
    if county_rows and (not (cities or provinces) or max(map(score, county_rows)) > 0):
        candidates = county_rows
    else:
        wider = cities or provinces
        candidates = [r for r in rows if (r.city if cities else r.province) in wider]
        extra = county_rows
    if not candidates:
        return RegionResult(())
    top = max(map(score, candidates))
    ranked = sorted(candidates, key=lambda r: (-score(r), r.order))
    return RegionResult(tuple(r for r in ranked if score(r) == top),
                        tuple(r for r in ranked if score(r) < top) + tuple(extra))


def read_names(text: str) -> dict[str, set[str]]:
    """The place names in ``text`` by level, read left to right taking the longest name
    at each position (so "华安县" is read as 华安县, not as 安县 inside it)."""
    idx = index()
    found: dict[str, set[str]] = {level: set() for level in LEVELS}
    i = 0
    while i < len(text):
        for size in range(min(idx.longest_name, len(text) - i), 1, -1):
            hit = idx.names.get(text[i:i + size])
            if hit:
                for level, name in hit:
                    found[level].add(name)
                i += size
                break
        else:
            i += 1
    return found
