"""When an order is due: working hours of its type and priority on the business calendar —
across the Spring Festival 2026 (holidays 15–23 February, 调休 Saturdays 14 and 28
February), with waits for the customer left out — and how the lists show it."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from app.calendars.working_time import working_time_between
from app.extensions import db
from app.tickets.deadlines import Clocks, deadline_for, order_calendar
from app.tickets.models import TicketPause, WorkOrder
from app.tickets.register import register
from app.tickets.sla import allowed_hours, default_hours, save
from app.tickets.states import apply
from app.timeutil import utcnow


def beijing(month: int, day: int, hour: int, minute: int = 0, year: int = 2026) -> datetime:
    """A Beijing wall-clock time as the naive UTC the tables store."""
    return datetime(year, month, day, hour, minute) - timedelta(hours=8)


def _order(make_user, type_code="complaint", priority="normal", at=None) -> WorkOrder:
    order = register(make_user("agent"), type_code=type_code, priority=priority, subject="包裹破损")
    if at is not None:
        order.created_at = at
        order.due_at = deadline_for(order)
    db.session.commit()
    return order


def test_registering_sets_the_deadline_from_the_type_and_priority(app, make_user):
    order = _order(make_user)
    assert order.due_at is not None and order.due_at > order.created_at
    assert working_time_between(order_calendar(), order.created_at, order.due_at) == timedelta(hours=48)


def test_a_complaint_of_48_working_hours_spans_the_spring_festival(app, make_user):
    # Friday 13 Feb, 09:00: 7 h that day, 7.5 h on the 调休 Saturday 14th, nothing from the
    # 15th to the 23rd, 7.5 h each Tuesday 24th to Friday 27th, and the last 3.5 h on the
    # 调休 Saturday 28th: due at its noon.
    order = _order(make_user, at=beijing(2, 13, 9))
    assert order.due_at == beijing(2, 28, 12)


def test_a_tiaoxiu_saturday_is_a_working_day_and_a_plain_saturday_is_not(app, make_user):
    # A query (24 working hours) registered on the 调休 Saturday 14 Feb counts that day.
    assert _order(make_user, "query", at=beijing(2, 14, 9)).due_at == beijing(2, 26, 10, 30)
    # Registered on an ordinary Saturday, it starts on Monday morning.
    assert _order(make_user, "query", at=beijing(3, 7, 9)).due_at == beijing(3, 12, 10)


def test_the_table_of_the_site_wins_over_the_defaults(app, make_user):
    assert default_hours("complaint", "normal") == 48 and default_hours("complaint", "urgent") == 12
    save("complaint", "high", 10)
    db.session.commit()
    assert allowed_hours("complaint", "high") == 10
    order = _order(make_user, priority="high", at=beijing(3, 2, 9))  # Monday: 7 h, then 3 h on Tuesday
    assert order.due_at == beijing(3, 3, 11, 30)
    urgent = _order(make_user, priority="urgent", at=beijing(3, 2, 9))  # default 12 h
    assert urgent.due_at == beijing(3, 3, 15)


def test_a_wait_for_the_customer_is_not_counted(app, make_user):
    order = _order(make_user, "query", at=beijing(3, 2, 9))  # Monday 09:00
    assert order.due_at == beijing(3, 5, 10, 30)
    # Waiting from Tuesday 09:00 to Wednesday 09:00 takes 7.5 working hours out.
    db.session.add(TicketPause(order_id=order.id, started_at=beijing(3, 3, 9), ended_at=beijing(3, 4, 9)))
    db.session.commit()
    assert deadline_for(order) == beijing(3, 6, 10, 30)


def test_resuming_moves_the_deadline_by_the_working_time_waited(app, make_user, departments):
    clerk = make_user("backoffice")
    clerk.department_id = departments["ems"].id
    order = _order(make_user, "suggestion", at=utcnow() - timedelta(days=16))
    order.state, order.department_id = "processing", departments["ems"].id
    db.session.commit()
    before = order.due_at
    apply(order, "wait", clerk, {"reason": "等客户提供单号"})
    pause = db.session.scalar(select(TicketPause).where(TicketPause.order_id == order.id))
    pause.started_at = utcnow() - timedelta(days=15)
    db.session.commit()
    apply(order, "resume", clerk, {})
    db.session.commit()
    calendar = order_calendar()
    waited = working_time_between(calendar, pause.started_at, pause.ended_at)
    assert waited > timedelta(0)
    assert working_time_between(calendar, before, order.due_at) == waited


def test_a_transfer_keeps_the_deadline_and_a_reopening_starts_a_new_period(app, make_user, make_order,
                                                                          departments):
    lead = make_user("teamlead")
    order = make_order("processing", type_code="complaint")
    due = order.due_at
    apply(order, "transfer", lead, {"department_id": str(departments["mail"].id), "reason": "邮件问题"})
    db.session.commit()
    assert order.due_at == due
    closed = make_order("closed", type_code="complaint", closed_at=utcnow(),
                        created_at=utcnow() - timedelta(days=5))
    apply(closed, "reopen", lead, {"reason": "客户仍未收到"})
    db.session.commit()
    assert working_time_between(order_calendar(), utcnow(), closed.due_at) > timedelta(hours=47)


def _row(page: str, number: str) -> str:
    start = page.index(number)
    return page[start:page.index("</tr>", start)]


def test_the_queue_shows_overdue_and_due_soon_in_words_and_filters_the_overdue(
        app, make_user, make_order, departments, client_for):
    lead = make_user("teamlead")
    lead.department_id = departments["ems"].id
    db.session.commit()
    late = make_order("processing", due_at=utcnow() - timedelta(hours=1))
    soon = make_order("assigned", due_at=utcnow() + timedelta(minutes=10))
    calm = make_order("assigned", due_at=utcnow() + timedelta(days=40))
    waiting = make_order("pending", due_at=utcnow() - timedelta(hours=1))
    client = client_for(lead)
    page = client.get("/tickets/queue").get_data(as_text=True)
    assert "已超时" in _row(page, late.number) and "超出" in _row(page, late.number)
    assert "即将到期" in _row(page, soon.number) and "剩余" in _row(page, soon.number)
    assert "已超时" not in _row(page, calm.number) and "即将到期" not in _row(page, calm.number)
    assert "计时暂停" in _row(page, waiting.number) and "已超时" not in _row(page, waiting.number)
    overdue = client.get("/tickets/queue?overdue=1").get_data(as_text=True)
    assert late.number in overdue
    assert soon.number not in overdue and calm.number not in overdue and waiting.number not in overdue
    assert 'name="overdue" value="1" checked' in overdue


def test_my_orders_and_the_order_page_show_the_deadline_in_the_centre_zone(app, make_user, client_for):
    agent = make_user("agent")
    order = register(agent, type_code="complaint", subject="包裹破损")
    order.due_at = beijing(2, 28, 12)
    order.created_at = beijing(2, 13, 9)
    db.session.commit()
    client = client_for(agent)
    mine = client.get("/tickets/mine").get_data(as_text=True)
    assert "2026-02-28 12:00" in _row(mine, order.number) and "已超时" in _row(mine, order.number)
    detail = client.get(f"/tickets/{order.number}").get_data(as_text=True)
    assert "2026-02-28 12:00" in detail and "已超时" in detail


def test_due_soon_is_a_few_working_hours_or_a_share_of_the_time_left(app, make_user):
    order = _order(make_user, "suggestion", at=beijing(3, 2, 9))  # 80 working hours allowed
    order.state, order.due_at = "processing", beijing(3, 6, 17, 30)  # Friday's closing
    app.config.update(TICKET_DUE_SOON_HOURS=0, TICKET_DUE_SOON_PERCENT=20)  # 16 h
    assert Clocks(now=beijing(3, 4, 17, 30)).of(order).status == "soon"  # Thursday and Friday: 15 h
    assert Clocks(now=beijing(3, 3, 17, 30)).of(order).status == "on_time"  # 22.5 h
    app.config.update(TICKET_DUE_SOON_HOURS=4, TICKET_DUE_SOON_PERCENT=0)
    assert Clocks(now=beijing(3, 6, 14)).of(order).status == "soon"  # 3.5 h
    assert Clocks(now=beijing(3, 6, 9)).of(order).status == "on_time"  # 7 h
    clock = Clocks(now=beijing(3, 9, 9)).of(order)  # Monday after
    assert clock.status == "overdue" and clock.hours_left == (0, 30)
