"""How the opening hours are said: from the week of the line's calendar, so that what the
caller hears is what the lines page says."""
from __future__ import annotations

import pytest

from app.calendars.hours import parse_week
from app.ivr import speech
from app.ivr.flows.hours import times_in

WEEK = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@pytest.mark.parametrize("week, said", [
    ({day: "08:00-20:00" for day in WEEK}, "每天八点至二十点"),
    ({day: "08:30-17:30" for day in WEEK[:5]}, "周一至周五八点半至十七点半"),
    ({"mon": "08:00-12:00,13:05-24:00", "sat": "09:00-12:00", "sun": "09:00-12:00"},
     "周一八点至十二点和十三点零五分至二十四点周六周日九点至十二点"),
    ({}, "全天二十四小时"),
    ({"mon": ""}, "暂停"),
])
def test_the_hours_are_said_from_the_week(week, said):
    assert speech.pieces_text(speech.hours_pieces(parse_week(week))) == said


def test_the_numbers_are_spoken_by_asterisk_and_the_words_are_prompts():
    pieces = speech.hours_pieces(parse_week({day: "08:30-17:30" for day in WEEK}))
    assert pieces == [("prompt", "hours-every-day"), ("number", 8), ("prompt", "hours-oclock"),
                      ("prompt", "hours-half"), ("prompt", "hours-to"), ("number", 17),
                      ("prompt", "hours-oclock"), ("prompt", "hours-half")]


def test_times_are_read_back_from_a_sentence():
    assert times_in("人工服务时间为工作日八点半至十七点半。") == {(8, 30), (17, 30)}
    assert times_in("每天八点至二十点") == {(8, 0), (20, 0)}
    assert times_in("十三点零五分至二十四点") == {(13, 5), (24, 0)}
    assert times_in("欢迎致电") == set()
