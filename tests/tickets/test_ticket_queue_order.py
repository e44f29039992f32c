"""The department queue reads its first page off a partial index of the open orders: the
orders listed are exactly the ones the index holds, in its order (soonest deadline first,
orders without a deadline last)."""
from __future__ import annotations

import re
from datetime import timedelta

from app.extensions import db
from app.tickets.models import OPEN_STATE_SQL
from app.tickets.states import OPEN_STATES
from app.timeutil import utcnow


def test_the_queue_index_holds_the_open_states():
    assert set(re.findall(r"'(\w+)'", OPEN_STATE_SQL)) == set(OPEN_STATES)


def test_orders_without_a_deadline_come_last(app, make_user, client_for, make_order, departments):
    now = utcnow()
    make_order("assigned", subject="没有期限")
    make_order("pending", subject="已超时", due_at=now - timedelta(hours=2))
    make_order("processing", subject="明天到期", due_at=now + timedelta(days=1))
    worker = make_user("backoffice")
    worker.department_id = departments["ems"].id
    db.session.commit()
    page = client_for(worker).get("/tickets/queue").get_data(as_text=True)
    assert page.index("已超时") < page.index("明天到期") < page.index("没有期限")
