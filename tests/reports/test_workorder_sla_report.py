"""工单时限: work orders by type, category and department — registered, closed, closed on
time, overdue and open, on-time share, average handling time and satisfaction."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from app.auth.models import Department
from app.extensions import db
from app.tickets.models import TicketCategory
from app.tickets.register import register

DAY = datetime(2026, 12, 1, 3, 0)   # 11:00 in Shanghai


@pytest.fixture
def orders(app, make_user):
    agent = make_user("agent")
    parcels = Department(code="ems", name="速递物流部")
    damage = TicketCategory(type_code="complaint", name="破损")
    db.session.add_all([parcels, damage])
    db.session.flush()

    def order(type_code, *, closed_after=None, due_after=24, state=None, satisfaction="", category=None,
              department=parcels, created=DAY):
        made = register(agent, type_code=type_code, subject="包裹破损")
        made.created_at, made.due_at = created, created + timedelta(hours=due_after)
        made.category_id = category.id if category else None
        made.department_id = department.id if department else None
        made.satisfaction = satisfaction
        if closed_after is not None:
            made.closed_at, made.state = created + timedelta(hours=closed_after), "closed"
        elif state:
            made.state = state
        return made

    order("complaint", closed_after=10, satisfaction="very_satisfied", category=damage)   # on time
    order("complaint", closed_after=30, satisfaction="dissatisfied", category=damage)     # late
    order("complaint", state="processing", category=damage)                               # overdue, open
    order("complaint", state="pending", category=damage)          # waiting for the customer: clock stopped
    order("consult", closed_after=2, department=None)
    order("consult", state="processing", due_after=24 * 365 * 10, department=None)       # open, not due
    order("consult", closed_after=1, created=DAY + timedelta(days=1))                    # another day
    db.session.commit()


def test_orders_by_type_category_and_department(orders, build_report):
    built = build_report("workorder-sla")
    sheets = built.sheets
    assert list(sheets) == ["工单时限（按业务类型）", "工单时限（按分类）", "工单时限（按部门）"]
    by_type = sheets["工单时限（按业务类型）"]
    header = next(row for row in by_type if row[0] == "业务类型")
    assert header[1:] == ("登记数", "办结数", "按时办结", "按时办结率", "超时未办结", "平均处理时长（小时）",
                          "已评价", "满意率")
    rows = built.by_label("工单时限（按业务类型）")
    assert rows["投诉"][1:] == (4, 2, 1, 0.5, 1, 20, 2, 0.5)
    assert rows["咨询"][1:] == (2, 1, 1, 1, 0, 2, 0, None)
    assert rows["合计"][1:] == (6, 3, 2, pytest.approx(2 / 3), 1, pytest.approx(42 / 3), 2, 0.5)
    assert built.by_label("工单时限（按分类）")["投诉 / 破损"][1] == 4
    departments = built.by_label("工单时限（按部门）")
    assert departments["速递物流部"][1:3] == (4, 2) and departments["（无部门）"][1] == 2


def test_the_download_is_for_managers(orders, download_report):
    assert download_report("workorder-sla").by_label()["合计"][1] == 6
