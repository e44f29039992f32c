"""What happened to an order stays written: every change is an entry, and no entry can be
changed or removed afterwards."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.tickets.models import ASSIGNMENT, COMMENT, FIELD, STATE, HistoryIsImmutable, TicketEntry
from app.tickets.states import add_note, apply


def _entries(order):
    return db.session.scalars(select(TicketEntry).where(TicketEntry.order_id == order.id)
                              .order_by(TicketEntry.id)).all()


def test_every_change_is_an_entry_with_who_and_when(app, make_user, make_order, departments):
    agent = make_user("agent", username="zhangsan")
    worker = make_user("backoffice", username="lisi")
    worker.department_id = departments["ems"].id
    order = make_order("new")
    apply(order, "assign", agent, {"department_id": departments["ems"].id, "assignee_id": worker.id})
    add_note(order, agent, "客户很着急", public=False)
    add_note(order, worker, "已联系投递员", public=True)
    apply(order, "accept", worker, {})
    apply(order, "resolve", worker, {"result": "已重新投递"})
    db.session.commit()

    entries = _entries(order)
    assert [(e.kind, e.actor) for e in entries] == [
        (STATE, "registrar"),
        (ASSIGNMENT, "zhangsan"), (ASSIGNMENT, "zhangsan"), (STATE, "zhangsan"),
        (COMMENT, "zhangsan"), (COMMENT, "lisi"),
        (STATE, "lisi"),
        (FIELD, "lisi"), (STATE, "lisi"),
    ]
    assert all(e.at is not None for e in entries)
    assert [(e.text, e.public) for e in entries if e.kind == COMMENT] == [
        ("客户很着急", False), ("已联系投递员", True)]
    result = entries[-2]
    assert (result.field, result.old, result.new) == ("result", "", "已重新投递")
    assert (entries[-1].old, entries[-1].new) == ("processing", "resulted")


def test_an_entry_can_be_neither_changed_nor_deleted(app, make_order):
    entry = _entries(make_order("new"))[0]
    entry.text = "改写历史"
    with pytest.raises(HistoryIsImmutable):
        db.session.commit()
    db.session.rollback()
    db.session.delete(entry)
    with pytest.raises(HistoryIsImmutable):
        db.session.commit()
    db.session.rollback()
    assert db.session.get(TicketEntry, entry.id).text == "包裹破损"


def test_the_history_names_departments_people_and_satisfaction(app, make_user, make_order, departments,
                                                               client_for):
    agent = make_user("agent", username="zhangsan")
    worker = make_user("backoffice", username="lisi")
    worker.display_name, worker.department_id = "李四", departments["mail"].id
    order = make_order("new")
    apply(order, "assign", agent, {"department_id": departments["ems"].id})
    apply(order, "transfer", make_user("teamlead"), {"department_id": departments["mail"].id, "reason": "属邮务"})
    apply(order, "accept", worker, {})
    apply(order, "resolve", worker, {"result": "已重新投递"})
    apply(order, "feedback", agent, {"feedback": "已收到", "satisfaction": "satisfied"})
    db.session.commit()

    html = client_for(agent).get(f"/tickets/{order.number}").get_data(as_text=True)
    history = html.split('<ol class="timeline">', 1)[1].split("</ol>", 1)[0]
    assert "速递物流部 → 邮务部" in history and "— → 李四" in history and "— → 满意" in history
    assert f"{departments['ems'].id} → {departments['mail'].id}" not in history
