"""工单时限 (work-order SLA): the orders registered in the range by business type, by
category and by department (one sheet each): how many were registered, closed, closed by
their deadline, are still open past it, the on-time share, the average time from
registration to closing and the customers' satisfaction.

On time is what ``complaints-suggestions`` counts too: closed by the deadline of the order's
type and priority (:mod:`app.tickets.deadlines`; no deadline counts as on time). Overdue
and open: the clock still runs (not waiting for the customer, no result yet) and the
deadline has passed now. Handling time is calendar hours from registration to closing."""
from __future__ import annotations

from collections import Counter
from typing import Any

from flask_babel import gettext as _
from openpyxl import Workbook
from sqlalchemy import select

from app.auth.models import Department
from app.extensions import db
from app.reports.business import count_order
from app.reports.excel import Column, add_summary_sheet
from app.reports.periods import range_label, read_params
from app.tickets.categories import category_labels
from app.tickets.models import WorkOrder
from app.tickets.types import all_types
from app.timeutil import utcnow, within_days


def _row(label: str, c: Counter[str]) -> list[Any]:
    closed, rated = c["closed"], c["rated"]
    return [label, c["registered"], closed, c["on_time"], c["on_time"] / closed if closed else None,
            c["overdue_open"], c["handling_s"] / closed / 3600 if closed else None, rated,
            c["satisfied"] / rated if rated else None]


def build_workorder_sla(params: dict[str, Any]) -> Workbook:
    first, last, _period, _queues = read_params(params)
    types, categories = all_types(), category_labels()
    departments = {row.id: row.name for row in db.session.scalars(select(Department))}
    now = utcnow()
    orders = db.session.execute(
        select(WorkOrder.type_code, WorkOrder.category_id, WorkOrder.department_id, WorkOrder.state,
               WorkOrder.created_at, WorkOrder.closed_at, WorkOrder.due_at, WorkOrder.satisfaction)
        .where(WorkOrder.merged_into_id.is_(None), *within_days(WorkOrder.created_at, first, last))).all()

    def type_title(code: str) -> str:
        return str(types[code].title) if code in types else code or _("(no type)")

    dimensions = [
        (_("Work-order SLA by type"), _("Business type"), lambda o: type_title(o.type_code)),
        (_("Work-order SLA by category"), _("Category"),
         lambda o: f"{type_title(o.type_code)} / {categories.get(o.category_id, str(o.category_id))}"),
        (_("Work-order SLA by department"), _("Department"),
         lambda o: departments.get(o.department_id, str(o.department_id)) if o.department_id
         else _("(no department)")),
    ]
    notes = [range_label(first, last),
             _("By the day the order was registered. On time: closed by the deadline of its type and priority; "
               "overdue and open: past the deadline now, still being handled."),
             _("Handling time: hours from registration to closing, over the closed orders.")]
    wb = Workbook()
    wb.remove(wb.active)
    whole: Counter[str] = Counter()
    for order in orders:
        count_order(whole, order, now)
    for title, heading, name_of in dimensions:
        groups: dict[str, Counter[str]] = {}
        for order in orders:
            count_order(groups.setdefault(name_of(order), Counter()), order, now)
        columns = [Column(heading, 30), Column(_("Orders registered"), 10, "0"), Column(_("Orders closed"), 10, "0"),
                   Column(_("Closed on time"), 12, "0"), Column(_("On-time share"), 12, "0.0%"),
                   Column(_("Overdue and open"), 12, "0"), Column(_("Average handling time (h)"), 14, "0.0"),
                   Column(_("Rated"), 10, "0"), Column(_("Satisfied share"), 12, "0.0%")]
        add_summary_sheet(wb, title, notes, columns, [_row(name, c) for name, c in sorted(groups.items())],
                          _row(_("Total"), whole))
    return wb
