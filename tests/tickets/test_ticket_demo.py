"""``postline demo load`` gives a new site work orders to look at: every state of the loop,
overdue ones in the queue, merged and reopened ones, each with its history, filed under the
categories of every type and linked to the demo customers; a second run adds nothing."""
from __future__ import annotations

from flask.cli import ScriptInfo
from sqlalchemy import func, select

from app.auth.demo import DEMO_PASSWORD
from app.extensions import db
from app.testing import submit
from app.tickets.demo_orders import CATEGORIES, ORDERS
from app.tickets.kinds import CORE_TYPES
from app.tickets.models import TicketCategory, TicketEntry, TicketPause, WorkOrder
from app.tickets.states import OPEN_STATES, STATES, find_by_number
from app.timeutil import utcnow


def _load(app) -> str:
    from app.commands import cli

    result = app.test_cli_runner().invoke(cli, ["demo", "load"], obj=ScriptInfo(create_app=lambda: app))
    assert result.exit_code == 0, result.output
    db.session.rollback()
    return result.output


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_demo_orders_cover_the_loop_and_load_once(app):
    first = _load(app)
    assert f"work orders +{len(ORDERS)}" in first
    orders = db.session.scalars(select(WorkOrder)).all()
    assert {o.state for o in orders} == set(STATES)  # every state, merged included
    assert {o.type_code for o in orders} == {t.name for t in CORE_TYPES}
    assert all(o.category is not None for o in orders)
    assert sum(o.customer_id is not None for o in orders) == len(orders)

    now = utcnow()
    overdue = [o for o in orders if o.state in OPEN_STATES and o.due_at and o.due_at < now]
    assert len(overdue) == sum(o.due_hours is not None and o.due_hours < 0 for o in ORDERS) == 6
    reopened = {e.order_id for e in db.session.scalars(select(TicketEntry).where(TicketEntry.action == "reopen"))}
    assert len(reopened) == 2 and all(db.session.get(WorkOrder, i).state in OPEN_STATES for i in reopened)
    for merged in (o for o in orders if o.state == "merged"):
        assert find_by_number(merged.number).id == merged.merged_into_id
    waiting = [o for o in orders if o.state == "pending"]
    assert waiting and all(any(p.ended_at is None for p in o.pauses) for o in waiting)
    for order in orders:
        assert order.entries[0].action == "register" and order.entries[-1].at <= now
        assert order.entries[-1].new in (order.state, "") or order.entries[-1].kind == "comment"
    closed = [o for o in orders if o.state == "closed"]
    assert all(o.closed_at and o.result and o.satisfaction for o in closed)

    counts = (_count(WorkOrder), _count(TicketEntry), _count(TicketCategory), _count(TicketPause))
    second = _load(app)
    assert "work orders +0" in second and "ticket categories +0" in second
    assert (_count(WorkOrder), _count(TicketEntry), _count(TicketCategory), _count(TicketPause)) == counts


def test_demo_staff_find_the_orders_on_their_pages(app):
    _load(app)
    back = app.test_client()
    assert submit(back, "/auth/login", {"username": "backoffice", "password": DEMO_PASSWORD}).status_code == 302
    queue = back.get("/tickets/queue").get_data(as_text=True)
    assert "挂号信寄出两周未到，疑似丢失" in queue and "包裹外包装破损，内件瓷器碎裂" in queue
    # the most overdue order of the department comes first
    assert queue.index("挂号信寄出两周未到，疑似丢失") < queue.index("包裹外包装破损，内件瓷器碎裂")

    agent = app.test_client()
    submit(agent, "/auth/login", {"username": "agent", "password": DEMO_PASSWORD})
    form = agent.get("/tickets/new?type=complaint").get_data(as_text=True)
    top, subs = CATEGORIES["complaint"][0]
    assert f"{top} › {subs[0]}" in form
    merged = db.session.scalar(select(WorkOrder).where(WorkOrder.state == "merged"))
    page = agent.get(f"/tickets/{merged.merged_into.number}").get_data(as_text=True)
    assert merged.number in page  # the target's history says which number joined it
