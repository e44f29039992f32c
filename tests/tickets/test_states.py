"""The loop: every transition from every state, by every role; the fields each one needs;
what the side roads (waiting, merging, reopening) leave behind."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.auth.roles import ROLES
from app.extensions import db
from app.tickets.models import TicketEntry, TicketPause, WorkOrder
from app.tickets.states import STATES, TRANSITIONS, Refused, apply, find_by_number
from app.timeutil import utcnow

#: Who may take each transition (besides the administrator, who may take all).
ALLOWED = {
    "assign": {"agent", "teamlead", "manager"},
    "assign_person": {"backoffice", "teamlead", "manager"},
    "accept": {"backoffice", "teamlead", "manager"},
    "transfer": {"backoffice", "teamlead", "manager"},
    "reject": {"backoffice", "teamlead", "manager"},
    "wait": {"backoffice", "teamlead", "manager"},
    "resume": {"backoffice", "teamlead", "manager"},
    "resolve": {"backoffice", "teamlead", "manager"},
    "feedback": {"agent", "teamlead", "qa", "manager"},
    "close": {"agent", "teamlead", "qa", "manager"},
    "reopen": {"agent", "teamlead", "manager"},
    "merge": {"agent", "teamlead", "manager"},
}
#: Where each transition goes from, and what it leaves the order in.
EXPECTED = {
    "assign": ({"new", "returned"}, "assigned"),
    "assign_person": ({"assigned", "processing"}, None),
    "accept": ({"assigned"}, "processing"),
    "transfer": ({"assigned", "processing"}, "assigned"),
    "reject": ({"assigned", "processing"}, "returned"),
    "wait": ({"processing"}, "pending"),
    "resume": ({"pending"}, "processing"),
    "resolve": ({"processing"}, "resulted"),
    "feedback": ({"resulted"}, "feedback"),
    "close": ({"feedback"}, "closed"),
    "reopen": ({"closed"}, "assigned"),
    "merge": ({"new", "returned", "assigned", "processing", "pending"}, "merged"),
}


def test_the_table_is_the_one_tested():
    assert set(TRANSITIONS) == set(ALLOWED) == set(EXPECTED)
    for name, (sources, target) in EXPECTED.items():
        assert TRANSITIONS[name].sources == sources and TRANSITIONS[name].target == target
        assert TRANSITIONS[name].roles == ALLOWED[name]


def _data(name, departments, make_user, make_order):
    """What a user fills in for transition ``name``."""
    person = make_user("backoffice")
    person.department_id = departments["ems"].id
    db.session.commit()
    other = make_order("processing")
    return {
        "assign": {"department_id": departments["ems"].id},
        "assign_person": {"assignee_id": person.id},
        "transfer": {"department_id": departments["mail"].id, "reason": "不是本部门业务"},
        "reject": {"reason": "信息不全"},
        "wait": {"reason": "等客户提供单号"},
        "resolve": {"result": "已赔付"},
        "feedback": {"feedback": "客户认可", "satisfaction": "satisfied"},
        "close": {"satisfaction": "satisfied"},
        "reopen": {"reason": "客户来电称未收到"},
        "merge": {"target_number": other.number},
    }.get(name, {})


def _actor(make_user, departments, role):
    user = make_user(role)
    user.department_id = departments["ems"].id
    db.session.commit()
    return user


@pytest.mark.parametrize("role", sorted(ROLES))
@pytest.mark.parametrize("name", sorted(TRANSITIONS))
def test_each_transition_by_each_role(app, make_user, make_order, departments, name, role):
    sources, target = EXPECTED[name]
    order = make_order(sorted(sources)[0], closed_at=utcnow(), feedback="已回访")
    data = _data(name, departments, make_user, make_order)
    user = _actor(make_user, departments, role)
    before = order.state
    if role == "admin" or role in ALLOWED[name]:
        apply(order, name, user, data)
        db.session.commit()
        assert order.state == (target or before)
        entries = db.session.scalars(select(TicketEntry).where(TicketEntry.order_id == order.id)).all()
        assert len(entries) > 1  # the registration, then this change
        assert entries[-1].actor == user.username or any(e.actor == user.username for e in entries)
    else:
        with pytest.raises(Refused, match="无权|may not"):
            apply(order, name, user, data)
        db.session.rollback()
        assert db.session.get(WorkOrder, order.id).state == before


@pytest.mark.parametrize("name", sorted(TRANSITIONS))
def test_no_transition_leaves_a_state_it_does_not_name(app, make_user, make_order, departments, name):
    admin = _actor(make_user, departments, "admin")
    data = _data(name, departments, make_user, make_order)
    for state in sorted(set(STATES) - EXPECTED[name][0]):
        order = make_order(state)
        with pytest.raises(Refused, match="现在不能|not possible"):
            apply(order, name, admin, data)
        db.session.rollback()
        assert db.session.get(WorkOrder, order.id).state == state


def test_back_office_acts_only_on_its_own_departments_orders(app, make_user, make_order, departments):
    order = make_order("assigned")
    outsider = make_user("backoffice")
    outsider.department_id = departments["mail"].id
    db.session.commit()
    with pytest.raises(Refused):
        apply(order, "accept", outsider, {})
    db.session.rollback()
    insider = _actor(make_user, departments, "backoffice")
    apply(order, "accept", insider, {})
    assert order.state == "processing" and order.assignee_id == insider.id  # took it


@pytest.mark.parametrize("name, field", [("resolve", "result"), ("reject", "reason"), ("transfer", "reason"),
                                         ("assign", "department_id"), ("feedback", "feedback"),
                                         ("merge", "target_number")])
def test_a_transition_needs_its_fields(app, make_user, make_order, departments, name, field):
    order = make_order(sorted(EXPECTED[name][0])[0])
    data = _data(name, departments, make_user, make_order)
    data[field] = "  "
    with pytest.raises(Refused, match="请填写"):
        apply(order, name, _actor(make_user, departments, "manager"), data)


def test_closing_a_complaint_needs_feedback_and_satisfaction(app, make_user, make_order, departments):
    agent = _actor(make_user, departments, "agent")
    complaint = make_order("feedback", type_code="complaint")
    with pytest.raises(Refused, match="请填写.*客户反馈.*满意度"):
        apply(complaint, "close", agent, {})
    db.session.rollback()
    apply(complaint, "close", agent, {"feedback": "同意处理结果", "satisfaction": "very_dissatisfied"})
    assert complaint.state == "closed" and complaint.satisfaction == "very_dissatisfied"
    query = make_order("feedback", type_code="query")
    apply(query, "close", agent, {})  # other types close without them
    assert query.state == "closed"


def test_an_unknown_satisfaction_is_refused(app, make_user, make_order, departments):
    with pytest.raises(Refused, match="满意度"):
        apply(make_order("resulted"), "feedback", _actor(make_user, departments, "agent"),
              {"feedback": "好", "satisfaction": "ecstatic"})


def test_waiting_for_the_customer_stores_the_pause(app, make_user, make_order, departments):
    worker = _actor(make_user, departments, "backoffice")
    order = make_order("processing")
    apply(order, "wait", worker, {"reason": "等客户补充材料"})
    db.session.commit()
    pause = db.session.scalar(select(TicketPause).where(TicketPause.order_id == order.id))
    assert pause.ended_at is None
    apply(order, "resume", worker, {})
    db.session.commit()
    db.session.refresh(pause)
    assert pause.ended_at is not None and pause.ended_at >= pause.started_at


def test_reopening_is_possible_only_within_the_window(app, make_user, make_order, departments):
    agent = _actor(make_user, departments, "agent")
    recent = make_order("closed", closed_at=utcnow() - timedelta(days=6))
    apply(recent, "reopen", agent, {"reason": "客户仍未收到"})
    assert recent.state == "assigned" and recent.closed_at is None
    old = make_order("closed", closed_at=utcnow() - timedelta(days=8))
    with pytest.raises(Refused, match="7"):
        apply(old, "reopen", agent, {"reason": "客户仍未收到"})
    app.config["TICKET_REOPEN_DAYS"] = 30
    apply(old, "reopen", agent, {"reason": "客户仍未收到"})
    assert old.state == "assigned"


def test_a_merged_number_still_finds_the_order_it_went_into(app, make_user, make_order, departments):
    agent = _actor(make_user, departments, "agent")
    target, duplicate = make_order("processing"), make_order("new")
    assert apply(duplicate, "merge", agent, {"target_number": target.number}) is target
    db.session.commit()
    assert duplicate.state == "merged" and find_by_number(duplicate.number) is target
    with pytest.raises(Refused, match="没有工单 20000101-99999"):
        apply(make_order("new"), "merge", agent, {"target_number": "20000101-99999"})
    db.session.rollback()
    third = make_order("new")
    with pytest.raises(Refused, match="不能合并到它自己"):
        apply(third, "merge", agent, {"target_number": third.number})


def test_a_stale_form_is_refused(app, make_user, make_order, departments):
    order = make_order("processing")
    worker = _actor(make_user, departments, "backoffice")
    opened_with = order.row_version
    apply(order, "resolve", worker, {"result": "已处理"}, seen=opened_with)
    db.session.commit()
    order2 = make_order("processing")
    apply(order2, "wait", worker, {"reason": "x"}, seen=order2.row_version)
    db.session.commit()
    with pytest.raises(Refused, match="changed|修改"):
        apply(order2, "resume", worker, {}, seen=order2.row_version - 1)
