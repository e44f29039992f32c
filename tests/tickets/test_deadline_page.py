"""The deadlines page: a manager sets the hours per type and priority and the work orders'
calendar (weekly hours, statutory holidays, the site's own days); bad input is a Chinese
sentence and nothing is saved; other staff cannot open it; every change is audited."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select

from app.audit.models import AuditLog
from app.calendars.models import BusinessCalendar, CalendarDay
from app.extensions import db
from app.testing import submit
from app.tickets.deadlines import deadline_for
from app.tickets.models import TicketSla
from app.tickets.register import register
from app.tickets.sla import allowed_hours


def beijing(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute) - timedelta(hours=8)


WEEK = {f"week-{day}": "08:30-12:00,13:30-17:30" for day in ("mon", "tue", "wed", "thu", "fri")}


def _add_day(client, fields):
    return submit(client, "/tickets/deadlines/days", fields, page="/tickets/deadlines")


def test_a_manager_sets_the_hours_and_the_calendar(app, make_user, client_for):
    manager = client_for(make_user("manager"))
    page = manager.get("/tickets/deadlines").get_data(as_text=True)
    assert "工单时限" in page and 'placeholder="48"' in page  # complaint, normal: the default
    response = submit(manager, "/tickets/deadlines",
                      {**WEEK, "sla-complaint-normal": "36", "statutory": "1", "week-sat": "09:00-12:00"})
    assert response.status_code == 302
    assert allowed_hours("complaint", "normal") == 36 and allowed_hours("query", "normal") == 24
    calendar = db.session.scalar(select(BusinessCalendar).where(BusinessCalendar.name == "工单"))
    assert calendar.statutory and '"sat": "09:00-12:00"' in calendar.hours
    assert db.session.scalar(select(AuditLog).where(AuditLog.object_type == "ticket_sla")) is not None
    page = manager.get("/tickets/deadlines").get_data(as_text=True)
    assert 'name="sla-complaint-normal" value="36"' in page and 'value="09:00-12:00"' in page

    # Leaving the field empty goes back to the default; the row goes, the audit log keeps it.
    submit(manager, "/tickets/deadlines", {**WEEK, "statutory": "1"})
    assert db.session.scalar(select(TicketSla)) is None and allowed_hours("complaint", "normal") == 48


def test_bad_hours_are_chinese_sentences_and_nothing_is_saved(app, make_user, client_for):
    manager = client_for(make_user("manager"))
    response = submit(manager, "/tickets/deadlines",
                      {**WEEK, "sla-complaint-normal": "四十八", "sla-query-high": "0", "week-mon": "8-17"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "未保存" in page
    assert page.count("请填写 1 至 2000 的整数工作小时") == 2 and "8-17" in page and "四十八" in page
    assert db.session.scalar(select(TicketSla)) is None and db.session.scalar(select(BusinessCalendar)) is None
    closed = submit(manager, "/tickets/deadlines", {"sla-complaint-normal": "36"})  # no working day
    assert closed.status_code == 200 and db.session.scalar(select(TicketSla)) is None


def test_a_special_day_is_added_and_removed(app, make_user, client_for):
    manager = client_for(make_user("manager"))
    response = _add_day(manager, {"day-day": "2026-03-06", "day-name": "盘点", "day-hours": ""})
    assert response.status_code == 302
    entry = db.session.scalar(select(CalendarDay))
    assert entry.day == date(2026, 3, 6) and entry.hours == ""
    again = _add_day(manager, {"day-day": "2026-03-06", "day-hours": ""})
    assert again.status_code == 200 and "日历中已有该日期" in again.get_data(as_text=True)
    bad = _add_day(manager, {"day-day": "明天", "day-hours": "9-12"})
    assert bad.status_code == 200 and db.session.query(CalendarDay).count() == 1
    deleted = submit(manager, f"/tickets/deadlines/days/{entry.id}/delete", {}, page="/tickets/deadlines")
    assert deleted.status_code == 302
    assert db.session.scalar(select(CalendarDay)) is None


def test_a_special_day_moves_a_deadline(app, make_user, client_for):
    manager = client_for(make_user("manager"))
    _add_day(manager, {"day-day": "2026-03-03", "day-name": "停电", "day-hours": ""})
    order = register(make_user("agent"), type_code="query", subject="查询")
    order.created_at = beijing(3, 2, 9)  # 24 h: Thursday 10:30 without the closed Tuesday
    assert deadline_for(order) == beijing(3, 6, 10, 30)


def test_only_those_allowed_open_the_page(app, make_user, client_for):
    for role in ("agent", "backoffice", "teamlead", "qa"):
        assert client_for(make_user(role)).get("/tickets/deadlines").status_code == 403
    assert client_for(make_user("admin")).get("/tickets/deadlines").status_code == 200
    agent = client_for(make_user("agent"))
    assert submit(agent, "/tickets/deadlines", {**WEEK, "sla-complaint-normal": "1"}).status_code == 403
    assert db.session.scalar(select(TicketSla)) is None
