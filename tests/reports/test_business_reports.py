"""Seed 002's business statistics: calls summarised and work orders by type and category,
complaints and suggestions with their deadlines and satisfaction."""
from __future__ import annotations

from datetime import datetime, timedelta

from app.agents.models import DeskCall
from app.extensions import db
from app.tickets.models import TicketCategory
from app.tickets.register import register

DAY = datetime(2026, 12, 1, 3, 0)   # 11:00 in Shanghai


def category(type_code: str, name: str) -> TicketCategory:
    row = TicketCategory(type_code=type_code, name=name)
    db.session.add(row)
    db.session.commit()
    return row


def test_business_types_count_summaries_and_orders(app, make_user, build_report):
    agent = make_user("agent")
    postage = category("consult", "资费")
    for type_code, cat in (("consult", postage), ("consult", postage), ("complaint", None)):
        db.session.add(DeskCall(agent_id=agent.id, offered_at=DAY, ticket_type=type_code,
                                category_id=cat.id if cat else None, summarised_at=DAY))
    db.session.add(DeskCall(agent_id=agent.id, offered_at=DAY, ticket_type="query"))   # not summarised
    db.session.add(DeskCall(agent_id=agent.id, offered_at=DAY - timedelta(days=2), ticket_type="query",
                            summarised_at=DAY))                                        # another day
    order = register(agent, type_code="complaint", subject="包裹破损")
    order.created_at = DAY
    db.session.commit()
    found = build_report("business-types").sheets
    first = list(found.values())[0]
    assert first[0][0] == "业务类型分类统计"
    rows = {row[0]: row for row in first}
    assert rows["咨询"][1:4] == (2, 2 / 3, 0)
    assert rows["投诉"][1:4] == (1, 1 / 3, 1)
    assert "查询" not in rows
    assert rows["合计"][1] == 3
    consult = found["业务咨询分类统计"]
    assert ("咨询", "资费", 2, 0) in consult


def test_complaints_count_on_time_and_satisfied(app, make_user, build_report):
    agent = make_user("agent")
    damage = category("complaint", "破损")
    for closed_late, satisfaction in ((False, "satisfied"), (True, "dissatisfied"), (None, "")):
        order = register(agent, type_code="complaint", subject="包裹破损")
        order.created_at, order.category_id, order.satisfaction = DAY, damage.id, satisfaction
        order.due_at = DAY + timedelta(days=1)
        if closed_late is not None:
            order.closed_at = DAY + timedelta(days=2 if closed_late else 0, hours=1)
    db.session.commit()
    rows = {row[0]: row for row in build_report("complaints-suggestions").sheets["用户投诉统计"]}
    assert rows["破损"][1:7] == (3, 2, 1, 0.5, 2, 0.5)
    assert rows["分类"][1:3] == ("登记数", "已结案")
