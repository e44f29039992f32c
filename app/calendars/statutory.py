"""China's statutory calendar: the public holidays the State Council announces each year and
the make-up working days (调休) that pay for them, from the maintained ``chinesecalendar``
package (import name ``chinese_calendar``).

The package only knows the years that have been announced (a release each winter adds the
next year). For a year it does not cover — or when the package is missing — every date is
an ordinary day: the calendar keeps its plain weekly hours, and the log says so once per
year, so that a deadline is still computed (a little wrong at worst) instead of failing."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Literal

log = logging.getLogger(__name__)

Kind = Literal["holiday", "workday"]


@dataclass(frozen=True)
class StatutoryDay:
    """A date the statutory calendar changes: ``holiday`` (no work, even on a weekday) or
    ``workday`` (调休: a weekend date worked); ``name`` is the festival it belongs to."""

    kind: Kind
    name: str


@cache
def _tables() -> tuple[dict[date, str], dict[date, str]]:
    try:
        from chinese_calendar import constants
    except ImportError:
        log.warning("chinesecalendar is not installed: statutory holidays are not applied")
        return {}, {}
    return dict(constants.holidays), dict(constants.workdays)


@cache
def covered_years() -> frozenset[int]:
    """The years the installed package has data for (empty without the package); asked for
    every date a deadline walks over, so worked out once."""
    holidays, workdays = _tables()
    return frozenset(day.year for day in (*holidays, *workdays))


@cache
def _warn_uncovered(year: int) -> None:
    years = covered_years()
    span = f"{min(years)}-{max(years)}" if years else "none"
    log.warning("chinesecalendar has no statutory holidays for %s (covers %s): plain weekly hours "
                "are used for that year; upgrade the package when the year is announced", year, span)


def is_covered(year: int) -> bool:
    return year in covered_years()


def statutory_day(day: date) -> StatutoryDay | None:
    """What the statutory calendar says of ``day``; ``None`` for an ordinary date (its
    weekday decides) and for every date of a year the package does not cover."""
    if not is_covered(day.year):
        _warn_uncovered(day.year)
        return None
    holidays, workdays = _tables()
    if day in holidays:
        return StatutoryDay("holiday", holidays[day])
    if day in workdays:
        return StatutoryDay("workday", workdays[day])
    return None
