"""Overdue orders escalate: first to the department's team leads and head, then, still
overdue a further while later, to the centre's managers — each level once, whoever runs the
job and however often, and never for an order waiting for the customer or already done."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app import worker
from app.calendars.working_time import add_working_time
from app.extensions import db
from app.notify.models import Message
from app.testing.concurrency import at_once
from app.tickets.deadlines import order_calendar
from app.tickets.escalation import escalate_overdue
from app.tickets.models import ESCALATION, TicketEntry, TicketEscalation
from app.timeutil import utcnow

NAMES = {"ems-lead": "李班长", "ems-head": "王主任", "director": "赵总"}


@pytest.fixture
def staff(app, make_user, departments, tmp_path):
    """The people of the EMS department and the centre, with where they are told."""
    app.config["NOTIFY_SMS_OUTBOX"] = str(tmp_path / "outbox")

    def person(role, username, department=None, phone="", email="", active=True):
        user = make_user(role, username=username)
        user.display_name = NAMES.get(username, username)
        user.department_id = departments[department].id if department else None
        user.phone, user.email, user.active = phone, email, active
        db.session.commit()
        return user

    return {
        "lead": person("teamlead", "ems-lead", "ems", phone="13800138001"),
        "head": person("manager", "ems-head", "ems", email="head@ems.example.cn"),
        "clerk": person("backoffice", "ems-clerk", "ems", phone="13800138002"),
        "gone": person("teamlead", "ems-gone", "ems", phone="13800138003", active=False),
        "mail-lead": person("teamlead", "mail-lead", "mail", phone="13800138004"),
        "director": person("manager", "director", phone="13800138005", email="director@example.cn"),
    }


def _told(order) -> set[tuple[str, str]]:
    return {(m.channel, m.recipient) for m in db.session.scalars(
        select(Message).where(Message.subject_type == "ticket", Message.subject_id == str(order.id)))}


def _history(order) -> list[TicketEntry]:
    return list(db.session.scalars(select(TicketEntry).where(TicketEntry.order_id == order.id,
                                                             TicketEntry.kind == ESCALATION)))


def test_an_overdue_order_goes_to_the_team_leads_and_head_then_to_the_managers(app, staff, make_order):
    order = make_order("processing", due_at=utcnow() - timedelta(minutes=5))
    assert escalate_overdue() == 1
    assert _told(order) == {("sms", "13800138001"), ("email", "head@ems.example.cn")}
    [entry] = _history(order)
    assert entry.new == "1" and "李班长" in entry.text and "王主任" in entry.text
    [level] = db.session.scalars(select(TicketEscalation).where(TicketEscalation.order_id == order.id))
    assert set(level.notified.split(",")) == {"ems-lead", "ems-head"}

    assert escalate_overdue() == 0  # sent once, however often the job runs
    later = add_working_time(order_calendar(), level.at, timedelta(hours=8))
    assert escalate_overdue(now=later - timedelta(minutes=1)) == 0  # not yet a further period
    assert escalate_overdue(now=later) == 1
    assert _told(order) == {("sms", "13800138001"), ("email", "head@ems.example.cn"),
                            ("sms", "13800138005"), ("email", "director@example.cn")}
    assert [e.new for e in _history(order)] == ["1", "2"] and "赵总" in _history(order)[1].text
    assert escalate_overdue(now=later + timedelta(days=30)) == 0  # there is no level 3


def test_the_further_period_is_a_setting(app, staff, make_order):
    app.config["TICKET_ESCALATE_AGAIN_HOURS"] = 1
    order = make_order("assigned", due_at=utcnow() - timedelta(days=3))
    escalate_overdue()
    level1 = db.session.scalar(select(TicketEscalation.at).where(TicketEscalation.order_id == order.id))
    assert escalate_overdue(now=add_working_time(order_calendar(), level1, timedelta(hours=1))) == 1


def test_orders_not_overdue_waiting_or_done_are_not_escalated(app, staff, make_order):
    past = utcnow() - timedelta(hours=2)
    quiet = [make_order("processing", due_at=utcnow() + timedelta(days=30)),
             make_order("pending", due_at=past), make_order("resulted", due_at=past),
             make_order("feedback", due_at=past), make_order("closed", due_at=past),
             make_order("merged", due_at=past)]
    assert escalate_overdue() == 0
    assert db.session.scalar(select(TicketEscalation)) is None
    assert all(_told(order) == set() and _history(order) == [] for order in quiet)


def test_an_order_still_at_the_desk_goes_to_the_registering_agents_department(
        app, staff, make_user, departments):
    from app.tickets.register import register

    agent = make_user("agent")
    agent.department_id = departments["mail"].id
    order = register(agent, type_code="query", subject="查询平信")
    order.due_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert escalate_overdue() == 1
    assert _told(order) == {("sms", "13800138004")}


def test_the_order_page_shows_the_escalation_in_its_history(app, staff, make_order, client_for):
    order = make_order("processing", due_at=utcnow() - timedelta(minutes=5))
    escalate_overdue()
    page = client_for(staff["lead"]).get(f"/tickets/{order.number}").get_data(as_text=True)
    assert "已升级督办" in page and "第 1 级" in page and "已超时" in page


def test_two_runs_at_once_send_each_level_once(app, staff, make_order):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("parallel writers need PostgreSQL; SQLite has one writer at a time")
    order = make_order("processing", due_at=utcnow() - timedelta(minutes=5))
    results = at_once(app, [escalate_overdue, escalate_overdue],
                      meet_after=lambda sql: "FROM ticket_escalation" in sql)
    assert sorted(results) == [0, 1]
    assert len(_history(order)) == 1
    messages = db.session.scalars(select(Message).where(Message.subject_id == str(order.id))).all()
    assert sorted(m.recipient for m in messages) == ["13800138001", "head@ems.example.cn"]


def test_the_worker_runs_the_escalation_job(app):
    job = worker.declared_jobs(app)["core.ticket_escalation"]
    assert (job.trigger, job.trigger_args) == ("interval", {"minutes": 5})
    assert job.func.__name__ == "escalate_overdue_job"
