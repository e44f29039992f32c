"""Deadlines counted in working time: nights, weekends, China's statutory holidays and the
make-up working days (调休) skipped or counted as the calendar says, the site's own days
winning over the statutory ones, and pauses (a work order waiting for the customer) not
counted.

2026 in the statutory data: the Spring Festival holiday runs Sunday 15 February to Monday
23 February; Saturday 14 and Saturday 28 February are working days (调休)."""
from __future__ import annotations

import json
import random
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from app.calendars import hours, schedule, statutory
from app.calendars.models import BusinessCalendar, CalendarDay
from app.calendars.opening import is_open
from app.calendars.schedule import Schedule
from app.calendars.working_time import (
    NoWorkingTime,
    add_working_days,
    add_working_time,
    working_time_between,
)
from app.extensions import db

WORKDAYS = {day: "08:30-12:00,13:30-17:00" for day in ("mon", "tue", "wed", "thu", "fri")}  # 7 h a day
H = timedelta(hours=1)
SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(*parts: int) -> datetime:
    """A Shanghai wall-clock time as the naive UTC the functions take and give."""
    return datetime(*parts, tzinfo=SHANGHAI).astimezone(timezone.utc).replace(tzinfo=None)


def week(statutory_flag: bool = True, special: dict[date, str] | None = None) -> Schedule:
    return Schedule(week=hours.parse_week(WORKDAYS), statutory=statutory_flag,
                    special={day: hours.parse_ranges(text) for day, text in (special or {}).items()})


def stored(app, statutory_flag: bool = True, **days: str) -> BusinessCalendar:
    calendar = BusinessCalendar(name="12329", hours=json.dumps(WORKDAYS), statutory=statutory_flag)
    db.session.add(calendar)
    db.session.flush()
    db.session.add_all(CalendarDay(calendar_id=calendar.id, day=date.fromisoformat(day.removeprefix("d").replace("_", "-")),
                                   name="本地", hours=text) for day, text in days.items())
    db.session.commit()
    return calendar


def test_the_package_covers_2026_with_its_spring_festival():
    assert statutory.is_covered(2026)
    assert statutory.statutory_day(date(2026, 2, 16)).kind == "holiday"
    assert statutory.statutory_day(date(2026, 2, 14)).kind == "workday"
    assert statutory.statutory_day(date(2026, 2, 28)).kind == "workday"
    assert statutory.statutory_day(date(2026, 3, 2)) is None


def test_a_deadline_across_the_spring_festival_skips_it_and_counts_the_working_saturday():
    friday = local(2026, 2, 13, 16, 0)
    # 1 h on Friday (it closes at 17:00), 7 h on the 调休 Saturday, then the holiday up to Monday 23rd; 1 h on Tuesday
    assert add_working_time(week(), friday, 9 * H) == local(2026, 2, 24, 9, 30)
    assert working_time_between(week(), friday, local(2026, 2, 24, 9, 30)) == 9 * H
    assert working_time_between(week(), local(2026, 2, 24, 9, 30), friday) == -9 * H
    # the same calendar without the statutory calendar works the holiday's weekdays
    assert add_working_time(week(False), friday, 9 * H) == local(2026, 2, 17, 9, 30)


def test_the_working_saturday_after_the_holiday_counts_too():
    assert add_working_time(week(), local(2026, 2, 27, 16, 30), H) == local(2026, 2, 28, 9, 0)
    assert add_working_time(week(False), local(2026, 2, 27, 16, 30), H) == local(2026, 3, 2, 9, 0)
    assert working_time_between(week(), local(2026, 2, 27, 8, 30), local(2026, 3, 2, 8, 30)) == 14 * H


def test_a_working_saturday_keeps_the_weekday_hours_not_the_saturdays():
    saturdays = Schedule(week=hours.parse_week({**WORKDAYS, "sat": "09:00-12:00"}), statutory=True)
    assert saturdays.hours_on(date(2026, 2, 14)) == hours.parse_ranges(WORKDAYS["mon"])
    assert saturdays.hours_on(date(2026, 2, 7)) == hours.parse_ranges("09:00-12:00")
    assert saturdays.hours_on(date(2026, 2, 21)) == []                 # a holiday Saturday is closed


def test_a_deadline_filling_a_day_ends_at_closing_not_the_next_morning():
    assert add_working_time(week(), local(2026, 3, 2, 8, 30), 7 * H) == local(2026, 3, 2, 17, 0)


def test_a_start_outside_working_hours_counts_from_the_next_opening():
    assert add_working_time(week(), local(2026, 11, 23, 7, 0), H) == local(2026, 11, 23, 9, 30)
    assert add_working_time(week(), local(2026, 11, 23, 12, 15), H) == local(2026, 11, 23, 14, 30)
    assert add_working_time(week(), local(2026, 11, 23, 20, 0), H) == local(2026, 11, 24, 9, 30)
    assert add_working_time(week(), local(2026, 11, 21, 10, 0), H) == local(2026, 11, 23, 9, 30)
    assert working_time_between(week(), local(2026, 11, 21, 10), local(2026, 11, 23, 8, 0)) == timedelta(0)


def test_a_start_on_a_holiday_counts_from_the_first_working_day_after_it():
    assert add_working_time(week(), local(2026, 2, 17, 10, 0), H) == local(2026, 2, 24, 9, 30)
    assert add_working_time(week(), local(2026, 10, 1, 10, 0), H) == local(2026, 10, 8, 9, 30)  # 1-7 October


def test_pauses_are_not_counted():
    monday = local(2026, 11, 23, 8, 30)
    waiting = [(local(2026, 11, 23, 9, 0), local(2026, 11, 23, 10, 0))]
    assert add_working_time(week(), monday, 2 * H, waiting) == local(2026, 11, 23, 11, 30)
    assert working_time_between(week(), monday, local(2026, 11, 23, 11, 30), waiting) == 2 * H
    # a pause over a night and into the next morning takes only the working part
    overnight = [(local(2026, 11, 23, 16, 30), local(2026, 11, 24, 9, 30))]
    assert working_time_between(week(), monday, local(2026, 11, 24, 12), overnight) == 9 * H  # 10.5 h less 1.5 h
    overlapping = [(local(2026, 11, 23, 9), local(2026, 11, 23, 10)), (local(2026, 11, 23, 9, 30),
                                                                       local(2026, 11, 23, 11))]
    assert add_working_time(week(), monday, H, overlapping) == local(2026, 11, 23, 11, 30)


def test_around_the_clock_is_plain_elapsed_time_less_pauses():
    always = Schedule()
    start = local(2026, 2, 16, 3, 0)
    assert add_working_time(always, start, 48 * H) == start + 48 * H
    assert add_working_time(always, start, 2 * H, [(start + H, start + 2 * H)]) == start + 3 * H
    assert working_time_between(always, start, start + 30 * H, [(start, start + H)]) == 29 * H


def test_working_days_count_from_the_day_after_arrival():
    friday = local(2026, 2, 13, 10, 0)
    assert add_working_days(week(), friday, 1) == local(2026, 2, 14, 17, 0)    # the 调休 Saturday
    assert add_working_days(week(), friday, 2) == local(2026, 2, 24, 17, 0)
    assert add_working_days(week(False), friday, 2) == local(2026, 2, 17, 17, 0)
    assert add_working_days(Schedule(), friday, 1) == local(2026, 2, 15, 0, 0)


def test_aware_moments_are_read_as_what_they_mean():
    aware = datetime(2026, 11, 23, 7, 0, tzinfo=SHANGHAI)
    assert add_working_time(week(), aware, H) == local(2026, 11, 23, 9, 30)


def test_a_calendar_that_never_opens_says_so_and_bad_durations_are_refused():
    closed = Schedule(week=hours.parse_week({"mon": ""}))
    with pytest.raises(NoWorkingTime):
        add_working_time(closed, local(2026, 1, 5, 9), H)
    with pytest.raises(NoWorkingTime):
        add_working_days(closed, local(2026, 1, 5, 9), 1)
    with pytest.raises(ValueError):
        add_working_time(week(), local(2026, 1, 5, 9), -H)


def test_a_year_the_package_does_not_cover_falls_back_to_the_weekly_hours(caplog):
    year = max(statutory.covered_years()) + 1
    statutory._warn_uncovered.cache_clear()
    monday = next(date(year, 1, day) for day in range(1, 8) if date(year, 1, day).weekday() == 0)
    start = local(year, 1, monday.day, 8, 30)
    with caplog.at_level("WARNING", logger="app.calendars.statutory"):
        assert add_working_time(week(), start, 14 * H) == add_working_time(week(False), start, 14 * H)
    assert any(str(year) in record.getMessage() for record in caplog.records)
    assert statutory.statutory_day(monday) is None


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_adding_then_measuring_gives_the_duration_back(seed):
    rng = random.Random(seed)
    calendars = [week(), week(False), week(special={date(2026, 2, 16): "09:00-11:00"}), Schedule()]
    for _ in range(40):
        calendar = rng.choice(calendars)
        start = datetime(2026, 1, 1) + timedelta(minutes=rng.randrange(0, 360 * 24 * 60))
        duration = timedelta(minutes=rng.randrange(1, 30 * 7 * 60))
        pause_at = start + timedelta(minutes=rng.randrange(0, 20 * 24 * 60))
        pauses = [(pause_at, pause_at + timedelta(minutes=rng.randrange(0, 3 * 24 * 60)))]
        due = add_working_time(calendar, start, duration, pauses)
        assert working_time_between(calendar, start, due, pauses) == duration
        assert due > start
        assert add_working_time(calendar, start, duration + timedelta(minutes=1), pauses) > due


def test_thirty_working_days_of_hours_land_where_the_day_count_does():
    start = local(2026, 2, 2, 8, 30)  # a Monday
    assert add_working_time(week(), start, 30 * 7 * H) == add_working_days(week(), start - timedelta(days=1), 30)


def test_a_site_day_wins_over_the_statutory_calendar(app):
    calendar = stored(app, d2026_02_14="", d2026_02_16="09:00-12:00")  # closed 调休 Saturday; a holiday worked
    friday = local(2026, 2, 13, 16, 0)
    # Friday 1 h, Monday 16th 3 h (the site's own day), then 5 h from Tuesday 24th
    assert add_working_time(calendar, friday, 9 * H) == local(2026, 2, 24, 15, 0)
    assert add_working_time(calendar.id, friday, 9 * H) == local(2026, 2, 24, 15, 0)
    loaded = schedule.load(calendar)
    assert working_time_between(loaded, friday, local(2026, 2, 24, 15, 0)) == 9 * H


def test_a_stored_calendar_that_does_not_follow_the_statutory_calendar_is_unchanged(app):
    calendar = stored(app, statutory_flag=False)
    assert add_working_time(calendar, local(2026, 2, 13, 16, 0), 9 * H) == local(2026, 2, 17, 9, 30)
    assert schedule.load(None).around_the_clock and schedule.load(calendar.id + 100).around_the_clock


def test_the_ivr_follows_the_statutory_calendar_only_when_told(app):
    follows, keeps = stored(app), stored(app, statutory_flag=False, d2026_02_17="")
    assert is_open(follows.id, datetime(2026, 2, 14, 10))          # the 调休 Saturday
    assert not is_open(follows.id, datetime(2026, 2, 16, 10))      # Spring Festival
    assert not is_open(keeps.id, datetime(2026, 2, 14, 10))
    assert is_open(keeps.id, datetime(2026, 2, 16, 10))
    assert not is_open(keeps.id, datetime(2026, 2, 17, 10))        # its own holiday still closes
    assert is_open(follows.id, datetime(2026, 3, 2, 10)) and not is_open(follows.id, datetime(2026, 3, 2, 12, 30))
