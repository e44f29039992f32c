"""The region data: the county-level rows of the ``china-region`` package (MIT licence),
read once per process.

The package's CSV is read from the package's folder, found without importing the package
(:func:`importlib.util.find_spec`): importing ``china_region`` itself would load pandas,
which takes seconds and much memory for a 3,000-row file (``importlib.resources.files``
imports it too). The data is old (崇文区 is still there) and some counties share their
city's code (100000): the lookups show what the data says and the page names its source.

Rows that are no answer are left out of every lookup (:func:`is_answer`): a postcode that is
not six digits (金门's "890至896", Taiwan's three digits), the data's placeholder code
999999 (four real counties whose code the data does not know) and placeholder names
("市辖区", "县", empty), which older editions of the data carry."""
from __future__ import annotations

import csv
import functools
import importlib.metadata
import importlib.util
import io
import re
import threading
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from .names import aliases

PACKAGE = "china-region"  # the distribution's name on PyPI
MODULE = "china_region"
DATA_FILE = "region.csv"
#: The first four digits of a Chinese postcode name the delivery area of a county or city
#: (2 province, 1 postal zone, 1 county/city); the last two the delivery office.
AREA_DIGITS = 4
POSTCODE = re.compile(r"[0-9]{6}")
LEVELS = ("province", "city", "county")
#: Codes the data uses for "unknown": no delivery area starts with 99 or 00.
PLACEHOLDER_POSTCODES = frozenset({"999999", "000000"})
#: Names that stand for a group of places, not for a place one could be in.
PLACEHOLDER_NAMES = frozenset({"", "市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})

T = TypeVar("T")


def built_once(build: Callable[[], T]) -> Callable[[], T]:
    """``build()`` run once per process, under a lock: the AGI server's call threads ask
    for the data all at once right after a start, and it must be built once, not by each
    of them in parallel (``functools.cache`` has no lock). ``cache_clear`` forgets it."""
    lock = threading.Lock()
    box: list[T] = []

    @functools.wraps(build)
    def get() -> T:
        if not box:
            with lock:
                if not box:
                    box.append(build())
        return box[0]

    get.cache_clear = box.clear  # type: ignore[attr-defined]
    return get


@dataclass(frozen=True)
class Region:
    """One row of the data. ``county == city`` marks the city's own row; ``postcode`` is
    six digits (rows with another are no answer and are not read)."""

    province: str
    city: str
    county: str
    postcode: str
    order: int = field(compare=False)

    @property
    def is_city_row(self) -> bool:
        return self.county == self.city


def is_answer(province: str, city: str, county: str, postcode: str) -> bool:
    """Whether a row of the data can be shown or said as the place of a postcode."""
    if not POSTCODE.fullmatch(postcode) or postcode in PLACEHOLDER_POSTCODES:
        return False
    return not PLACEHOLDER_NAMES.intersection((province, city, county))


@dataclass(frozen=True)
class RegionIndex:
    rows: tuple[Region, ...]
    by_postcode: dict[str, tuple[Region, ...]]
    by_area: dict[str, tuple[Region, ...]]
    #: alias → the (level, full name) pairs it may stand for, for reading addresses.
    names: dict[str, frozenset[tuple[str, str]]]
    longest_name: int


def source() -> str:
    """The data's package and version, for the page and the report ("china-region 0.0.11")."""
    return f"{PACKAGE} {importlib.metadata.version(PACKAGE)}"


def data_file() -> Path:
    spec = importlib.util.find_spec(MODULE)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"the {PACKAGE} package is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / DATA_FILE


def read_rows() -> list[Region]:
    """The rows in file order (province, then city with its own row first, then counties),
    without those that are no answer (:func:`is_answer`).

    Rows that differ only in their coordinates (Shanxi's four 城区 each appear four times)
    are read once: the page does not show coordinates, so the copies would only repeat."""
    text = data_file().read_text(encoding="utf-8")
    seen: set[tuple[str, str, str, str]] = set()
    rows: list[Region] = []
    for row in csv.DictReader(io.StringIO(text)):
        values = (row["province"].strip(), row["city"].strip(), row["county"].strip(), row["zipCode"].strip())
        if values not in seen and is_answer(*values):
            seen.add(values)
            rows.append(Region(*values, order=len(rows)))
    return rows


@built_once
def index() -> RegionIndex:
    """Built on first use and kept for the life of the process (the data never changes
    while it runs)."""
    rows = tuple(read_rows())
    by_postcode: dict[str, list[Region]] = defaultdict(list)
    by_area: dict[str, list[Region]] = defaultdict(list)
    names: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for row in rows:
        by_postcode[row.postcode].append(row)
        by_area[row.postcode[:AREA_DIGITS]].append(row)
        for level in LEVELS:
            if level == "county" and row.is_city_row:
                continue  # the city's own row: its name is the city's
            full = getattr(row, level)
            for alias in aliases(full):
                names[alias].add((level, full))
    return RegionIndex(
        rows=rows,
        by_postcode={k: tuple(v) for k, v in by_postcode.items()},
        by_area={k: tuple(v) for k, v in by_area.items()},
        names={k: frozenset(v) for k, v in names.items()},
        longest_name=max(map(len, names)),
    )
