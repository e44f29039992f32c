"""Business calendars: hours written as people write them, a week with special days (a
public holiday closed all day, a weekend made a working day, 调休), and "open now?"."""
from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from sqlalchemy.exc import IntegrityError

from app.calendars.hours import HoursError, is_open, normalise, parse_ranges, parse_week, week_text
from app.calendars.models import BusinessCalendar, CalendarDay
from app.calendars.opening import is_open as calendar_is_open
from app.extensions import db

WORKDAYS = {day: "08:30-12:00,13:30-17:30" for day in ("mon", "tue", "wed", "thu", "fri")}
MONDAY = datetime(2026, 11, 23)  # local times below: a Monday
SATURDAY = datetime(2026, 11, 21)


@pytest.mark.parametrize("text, expected", [
    ("8:00 - 12:00", "08:00-12:00"),
    (" 08:00-12:00 , 13:30-17:30 ", "08:00-12:00,13:30-17:30"),
    ("00:00-24:00", "00:00-24:00"),
    ("", ""),
])
def test_hours_are_normalised(text, expected):
    assert normalise(text) == expected


@pytest.mark.parametrize("text", ["8-12", "12:00-08:00", "25:00-26:00", "08:60-09:00", "24:00-24:00"])
def test_hours_that_cannot_be_read_are_refused(text):
    with pytest.raises(HoursError):
        parse_ranges(text)


def test_a_week_names_only_weekdays_and_empty_means_around_the_clock():
    assert parse_week("{}") is None and parse_week(None) is None
    assert parse_week(WORKDAYS)["sat"] == []
    with pytest.raises(HoursError, match="unknown weekday"):
        parse_week({"monday": "08:00-12:00"})
    with pytest.raises(HoursError, match="not JSON"):
        parse_week("{mon")
    assert week_text(json.dumps(WORKDAYS))["sun"] == "" and week_text("{}") is None


def test_open_inside_the_ranges_only():
    week = json.dumps(WORKDAYS)
    assert is_open(week, None, MONDAY.replace(hour=8, minute=30))
    assert not is_open(week, None, MONDAY.replace(hour=12, minute=30))  # lunch
    assert not is_open(week, None, MONDAY.replace(hour=17, minute=30))  # the end is excluded
    assert not is_open(week, None, SATURDAY.replace(hour=10))
    assert is_open("{}", None, SATURDAY.replace(hour=3))                 # around the clock
    assert is_open(json.dumps({"sat": "20:00-24:00"}), None, SATURDAY.replace(hour=23, minute=59))


def test_a_special_days_hours_replace_its_weekdays():
    week = json.dumps(WORKDAYS)
    assert not is_open(week, "", MONDAY.replace(hour=10))                    # a holiday
    assert is_open(week, "09:00-12:00", SATURDAY.replace(hour=10))          # 调休: a working Saturday
    assert not is_open(week, "09:00-12:00", SATURDAY.replace(hour=13))


def test_a_stored_calendar_answers_with_its_special_days(app):
    calendar = BusinessCalendar(name="12329", hours=json.dumps(WORKDAYS))
    db.session.add(calendar)
    db.session.flush()
    db.session.add_all([CalendarDay(calendar_id=calendar.id, day=MONDAY.date(), name="假日"),
                        CalendarDay(calendar_id=calendar.id, day=SATURDAY.date(), name="调休",
                                    hours="09:00-12:00")])
    db.session.commit()
    assert not calendar_is_open(calendar.id, MONDAY.replace(hour=10))
    assert calendar_is_open(calendar.id, SATURDAY.replace(hour=10))
    assert calendar_is_open(calendar.id, datetime(2026, 11, 24, 10))          # an ordinary Tuesday
    assert not calendar_is_open(calendar.id, datetime(2026, 11, 22, 10))      # an ordinary Sunday
    assert calendar_is_open(None, MONDAY)                                     # no calendar: open
    assert calendar_is_open(calendar.id + 100, MONDAY)                        # gone: open, not silent


def test_two_special_days_on_one_date_are_refused(app):
    calendar = BusinessCalendar(name="x")
    db.session.add(calendar)
    db.session.flush()
    db.session.add_all([CalendarDay(calendar_id=calendar.id, day=date(2026, 10, 1)),
                        CalendarDay(calendar_id=calendar.id, day=date(2026, 10, 1))])
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
