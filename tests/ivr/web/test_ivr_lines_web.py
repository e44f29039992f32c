"""The lines pages: a line's name, queue, flow and weekly hours edited from the web, its
holiday calendar (add, delete), and what the next simulated call does with them."""
from __future__ import annotations

import json
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditLog
from app.calendars.models import CalendarDay
from app.extensions import db
from app.ivr.flows import defaults as default_flows
from app.ivr.models import IVRFlow, IVRLine
from app.ivr.simulator import HANGUP, simulate
from app.testing import submit

# Local times are Asia/Shanghai (UTC+8); 2026-11-23 is a Monday.
MONDAY_15H = datetime(2026, 11, 23, 7, 0, tzinfo=timezone.utc)
MONDAY_10H = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)
TUESDAY_10H = datetime(2026, 11, 24, 2, 0, tzinfo=timezone.utc)
SATURDAY_10H = datetime(2026, 11, 28, 2, 0, tzinfo=timezone.utc)
NATIONAL_DAY_10H = datetime(2026, 10, 1, 2, 0, tzinfo=timezone.utc)  # a Thursday, closed in the demo data

WEEK = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@pytest.fixture
def app_config(app_config):
    return app_config | {"TIMEZONE": "Asia/Shanghai"}


@pytest.fixture
def loaded(app):
    default_flows.load()
    return app


def _line(number: str) -> IVRLine:
    db.session.expire_all()
    return db.session.scalar(select(IVRLine).where(IVRLine.number == number))


def _closed(app, number: str, when: datetime) -> bool:
    """Whether a call at ``when`` takes the line's closed branch (the flows say the hours
    and offer the voice mailbox there, and play ``welcome-`` then the menu otherwise)."""
    heard = simulate(app, number, [HANGUP], now=when).heard
    assert heard[0] == f"welcome-{number}"
    return "voicemail-intro" in heard


def _line_form(number: str, **changes: str) -> dict[str, str]:
    line = _line(number)
    flow = db.session.get(IVRFlow, line.flow_id)
    data = {"name": line.name, "queue": line.queue, "flow": flow.name if flow else ""}
    data.update({day: text for day, text in json.loads(line.calendar.hours).items()})
    data.update(changes)
    return data


def test_the_lines_page_lists_the_lines_and_the_flows_page_links_to_it(loaded, login):
    client = login("teamlead")
    assert 'href="/ivr/lines"' in client.get("/ivr/flows").get_data(as_text=True)
    page = client.get("/ivr/lines").get_data(as_text=True)
    assert "住房公积金服务热线" in page and 'href="/ivr/lines/12329"' in page
    assert "周一至周五 08:30-17:30" in page and "休息" in page
    edit = client.get("/ivr/lines/12329").get_data(as_text=True)
    assert "节假日" in edit and "2026-10-01" in edit and "国庆节" in edit
    assert client.get("/ivr/lines/99999").status_code == 404


def test_edited_hours_send_the_next_call_to_the_closed_branch(loaded, login):
    client = login("teamlead")
    assert not _closed(loaded, "11185", MONDAY_15H)   # 08:00-20:00 every day
    response = submit(client, "/ivr/lines/11185",
                      _line_form("11185", name="邮政热线", queue="ems",
                                 **{day: "09:00-12:00" for day in WEEK}))
    assert response.status_code == 302, response.get_data(as_text=True)
    line = _line("11185")
    assert (line.name, line.queue) == ("邮政热线", "ems")
    assert json.loads(line.calendar.hours) == {day: "09:00-12:00" for day in WEEK}
    assert _closed(loaded, "11185", MONDAY_15H)
    assert not _closed(loaded, "11185", MONDAY_10H)
    # and the closed announcement says the new hours, not the old ones
    heard = simulate(loaded, "11185", [HANGUP], now=MONDAY_15H).heard
    assert heard[1:8] == ["hours-intro", "hours-every-day", "number:9", "hours-oclock", "hours-to",
                          "number:12", "hours-oclock"]
    # the change is in the audit trail
    assert db.session.scalar(select(func.count()).select_from(AuditLog).where(
        AuditLog.object_type.ilike("%line%"), AuditLog.action == "update")) >= 1


def test_a_day_without_hours_is_closed_and_open_around_the_clock_clears_the_week(loaded, login):
    client = login("teamlead")
    form = _line_form("11185", mon="")
    assert submit(client, "/ivr/lines/11185", form).status_code == 302
    assert "mon" not in json.loads(_line("11185").calendar.hours)
    assert _closed(loaded, "11185", MONDAY_10H)
    assert not _closed(loaded, "11185", TUESDAY_10H)

    assert submit(client, "/ivr/lines/11185", form | {"always_open": "y"}).status_code == 302
    assert json.loads(_line("11185").calendar.hours) == {}
    assert not _closed(loaded, "11185", MONDAY_10H)


def test_the_flow_is_chosen_among_existing_flows(loaded, login):
    client = login("teamlead")
    assert submit(client, "/ivr/lines/12329", _line_form("12329", flow="11185")).status_code == 302
    assert db.session.get(IVRFlow, _line("12329").flow_id).name == "11185"
    response = submit(client, "/ivr/lines/12329", _line_form("12329", flow="nonexistent"))
    assert response.status_code == 200 and 'role="alert"' in response.get_data(as_text=True)
    assert db.session.get(IVRFlow, _line("12329").flow_id).name == "11185"


@pytest.mark.parametrize("bad", ["8-12", "18:00-09:00", "08:00-25:00", "08:00-12:00,abc"])
def test_bad_hours_are_a_form_error_and_nothing_is_saved(loaded, login, bad):
    client = login("teamlead")
    before = _line("12329")
    hours, name = before.calendar.hours, before.name
    response = submit(client, "/ivr/lines/12329", _line_form("12329", name="改过的名字", tue=bad))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'role="alert"' in html and "不是有效的营业时间" in html
    after = _line("12329")
    assert (after.calendar.hours, after.name) == (hours, name)


def test_no_hours_at_all_needs_open_around_the_clock(loaded, login):
    client = login("teamlead")
    hours = _line("12329").calendar.hours
    response = submit(client, "/ivr/lines/12329", _line_form("12329", **{day: "" for day in WEEK}))
    assert response.status_code == 200 and 'role="alert"' in response.get_data(as_text=True)
    assert _line("12329").calendar.hours == hours


def test_a_holiday_closes_its_date_and_a_working_weekend_opens(loaded, login):
    client = login("teamlead")
    assert not _closed(loaded, "12329", TUESDAY_10H)
    assert _closed(loaded, "12329", SATURDAY_10H)
    response = submit(client, "/ivr/lines/12329/holidays",
                      {"holiday-day": "2026-11-24", "holiday-name": "临时闭馆", "holiday-hours": ""},
                      page="/ivr/lines/12329")
    assert response.status_code == 302, response.get_data(as_text=True)
    assert submit(client, "/ivr/lines/12329/holidays",
                  {"holiday-day": "2026-11-28", "holiday-name": "调休上班", "holiday-hours": "09:00-12:00"},
                  page="/ivr/lines/12329").status_code == 302
    assert _closed(loaded, "12329", TUESDAY_10H)
    assert not _closed(loaded, "12329", MONDAY_10H)
    assert not _closed(loaded, "12329", SATURDAY_10H)
    page = client.get("/ivr/lines/12329").get_data(as_text=True)
    assert "临时闭馆" in page and "调休上班" in page
    # the other line's calendar is its own
    assert not _closed(loaded, "11185", TUESDAY_10H)


@pytest.mark.parametrize("fields", [
    {"holiday-day": "2026-13-01"},
    {"holiday-day": ""},
    {"holiday-day": "2026-12-01", "holiday-hours": "9-12"},
    {"holiday-day": "2026-10-01"},  # the line has that date already
])
def test_a_bad_holiday_is_a_form_error_and_nothing_is_added(loaded, login, fields):
    client = login("teamlead")
    calendar_id = _line("12329").calendar_id
    count = db.session.scalar(select(func.count()).select_from(CalendarDay).where(CalendarDay.calendar_id == calendar_id))
    response = submit(client, "/ivr/lines/12329/holidays", {"holiday-name": "x", **fields},
                      page="/ivr/lines/12329")
    assert response.status_code == 200
    assert 'role="alert"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(CalendarDay)
                             .where(CalendarDay.calendar_id == calendar_id)) == count


def test_deleting_a_holiday_reopens_its_date(loaded, login):
    client = login("teamlead")
    line = _line("12329")
    holiday = db.session.scalar(select(CalendarDay).where(CalendarDay.calendar_id == line.calendar_id,
                                                          CalendarDay.day == date(2026, 10, 1)))
    holiday_id = holiday.id
    assert _closed(loaded, "12329", NATIONAL_DAY_10H)
    url = f"/ivr/lines/12329/holidays/{holiday_id}/delete"
    # a holiday is deleted through its own line only
    assert submit(client, f"/ivr/lines/11185/holidays/{holiday_id}/delete", {},
                  page="/ivr/lines/12329").status_code == 404
    client.post(url)                                     # no CSRF token: refused
    db.session.expire_all()
    assert db.session.get(CalendarDay, holiday_id) is not None
    response = submit(client, url, {}, page="/ivr/lines/12329")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(CalendarDay, holiday_id) is None
    assert not _closed(loaded, "12329", NATIONAL_DAY_10H)
    assert _closed(loaded, "12329", NATIONAL_DAY_10H.replace(day=2))


def test_agents_may_not_see_or_change_lines(loaded, login):
    client = login("agent")
    hours = _line("12329").calendar.hours
    holidays = db.session.scalar(select(func.count()).select_from(CalendarDay))
    assert client.get("/ivr/lines").status_code == 403
    assert client.get("/ivr/lines/12329").status_code == 403
    data = _line_form("12329", **{day: "00:00-24:00" for day in WEEK})
    assert submit(client, "/ivr/lines/12329", data, page="/").status_code == 403
    assert submit(client, "/ivr/lines/12329/holidays", {"holiday-day": "2026-11-24"},
                  page="/").status_code == 403
    holiday = db.session.scalar(select(CalendarDay).limit(1))
    assert submit(client, f"/ivr/lines/12329/holidays/{holiday.id}/delete", {},
                  page="/").status_code == 403
    assert _line("12329").calendar.hours == hours
    assert db.session.scalar(select(func.count()).select_from(CalendarDay)) == holidays


def test_the_line_page_warns_when_a_prompt_of_its_flow_states_other_hours(loaded, login):
    """Earlier default flows played “…每天八点至二十点” whatever the line's hours were."""
    from app.ivr import flows

    flows.save_version("old-11185", {"steps": [
        {"id": "closed", "type": "core.play", "params": {"prompt": "closed-11185"}, "next": {"done": "bye"}},
        {"id": "bye", "type": "core.hangup"}]})
    line = _line("11185")
    line.flow_id = db.session.scalar(select(IVRFlow.id).where(IVRFlow.name == "old-11185"))
    db.session.commit()
    client = login("teamlead")
    page = client.get("/ivr/lines/11185").get_data(as_text=True)
    assert "data-stale-hours" not in page  # 08:00-20:00: the prompt still says the truth
    submit(client, "/ivr/lines/11185", _line_form("11185", **{day: "09:00-12:00" for day in WEEK}))
    page = client.get("/ivr/lines/11185").get_data(as_text=True)
    assert "data-stale-hours" in page and "closed-11185" in page and "每天八点至二十点" in page


def test_the_default_flows_say_the_hours_from_the_calendar_and_get_no_warning(loaded, login):
    client = login("teamlead")
    for number in ("11185", "12329"):
        assert "data-stale-hours" not in client.get(f"/ivr/lines/{number}").get_data(as_text=True)
