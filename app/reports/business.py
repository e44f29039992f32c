"""业务类型分类统计 and its kin (seed 002): what callers called about, counted from the
agents' call summaries and from the work orders registered, by business type and category.

One report holds the three views seed 002 lists: every type (业务类型分类统计), and the
categories within consultations (业务咨询分类统计) and service orders (业务受理分类统计);
``complaints-suggestions`` counts complaints and suggestions by category (用户投诉统计,
用户建议分类统计) with how many were closed and closed in time."""
from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from openpyxl import Workbook
from sqlalchemy import func, select

from app.agents.models import DeskCall
from app.extensions import db
from app.reports.excel import Column, add_summary_sheet, summary_workbook
from app.reports.periods import range_label, read_params
from app.tickets.categories import category_labels
from app.tickets.deadlines import RUNNING
from app.tickets.models import WorkOrder
from app.tickets.types import all_types
from app.timeutil import utcnow, within_days


def _range(column: Any, params: dict[str, Any]) -> list[Any]:
    first, last, _period, _queues = read_params(params)
    return within_days(column, first, last)


def summary_counts(params: dict[str, Any]) -> Counter[tuple[str, int | None]]:
    stmt = (select(DeskCall.ticket_type, DeskCall.category_id, func.count())
            .where(DeskCall.summarised_at.is_not(None), *_range(DeskCall.offered_at, params))
            .group_by(DeskCall.ticket_type, DeskCall.category_id))
    return Counter({(type_code, category): n for type_code, category, n in db.session.execute(stmt)})


def order_counts(params: dict[str, Any]) -> Counter[tuple[str, int | None]]:
    stmt = (select(WorkOrder.type_code, WorkOrder.category_id, func.count())
            .where(WorkOrder.merged_into_id.is_(None), *_range(WorkOrder.created_at, params))
            .group_by(WorkOrder.type_code, WorkOrder.category_id))
    return Counter({(type_code, category): n for type_code, category, n in db.session.execute(stmt)})


def build_business_types(params: dict[str, Any]) -> Workbook:
    first, last, _period, _queues = read_params(params)
    types, names = all_types(), category_labels()
    calls, orders = summary_counts(params), order_counts(params)

    def title(code: str) -> str:
        return str(types[code].title) if code in types else code or _("(no type)")

    by_type_calls: Counter[str] = Counter()
    by_type_orders: Counter[str] = Counter()
    for (code, _category), n in calls.items():
        by_type_calls[code] += n
    for (code, _category), n in orders.items():
        by_type_orders[code] += n
    all_calls = sum(by_type_calls.values())
    columns = [Column(_("Business type"), 18), Column(_("Calls summarised"), 14, "0"),
               Column(_("Share of calls"), 12, "0.0%"), Column(_("Work orders registered"), 14, "0")]
    codes = sorted(set(by_type_calls) | set(by_type_orders),
                   key=lambda code: (types[code].weight if code in types else 999, code))
    rows = [[title(code), by_type_calls[code], by_type_calls[code] / all_calls if all_calls else None,
             by_type_orders[code]] for code in codes]
    wb = summary_workbook(_("Business type statistics"), [range_label(first, last)], columns, rows,
                          [_("Total"), all_calls, 1.0 if all_calls else None, sum(by_type_orders.values())])
    detail_columns = [Column(_("Business type"), 18), Column(_("Category"), 30),
                      Column(_("Calls summarised"), 14, "0"), Column(_("Work orders registered"), 14, "0")]
    for sheet_title, wanted in ((_("By category"), None), (_("Consultations"), "consult"),
                                (_("Service orders"), "service")):
        keys = sorted({key for key in (set(calls) | set(orders)) if wanted is None or key[0] == wanted},
                      key=lambda key: (title(key[0]), names.get(key[1], "")))
        detail = [[title(code), names.get(category, str(category)), calls[(code, category)],
                   orders[(code, category)]] for code, category in keys]
        add_summary_sheet(wb, sheet_title, [range_label(first, last)], detail_columns, detail,
                          [_("Total"), "", sum(row[2] for row in detail), sum(row[3] for row in detail)])
    return wb


SATISFIED = ("very_satisfied", "satisfied")


def count_order(c: Counter[str], order: Any, now: datetime) -> None:
    """What one work order adds to its group's counts: registered, closed, closed on time
    (by its deadline), handling seconds, still open past its deadline, rated, satisfied."""
    c["registered"] += 1
    if order.closed_at is not None:
        c["closed"] += 1
        c["on_time"] += order.due_at is None or order.closed_at <= order.due_at
        c["handling_s"] += int((order.closed_at - order.created_at).total_seconds())
    elif order.state in RUNNING and order.due_at is not None and order.due_at <= now:
        c["overdue_open"] += 1
    if order.satisfaction:
        c["rated"] += 1
        c["satisfied"] += order.satisfaction in SATISFIED


def build_complaints(params: dict[str, Any]) -> Workbook:
    """用户投诉统计 and 用户建议分类统计: per category, how many were registered, closed,
    closed by their deadline, and how satisfied the customers who answered were."""
    first, last, _period, _queues = read_params(params)
    names, now = category_labels(), utcnow()
    wb = Workbook()
    wb.remove(wb.active)
    columns = [Column(_("Category"), 30), Column(_("Orders registered"), 12, "0"), Column(_("Closed"), 10, "0"),
               Column(_("Closed on time"), 12, "0"), Column(_("On-time share"), 12, "0.0%"),
               Column(_("Rated"), 10, "0"), Column(_("Satisfied share"), 12, "0.0%")]
    for code, title in (("complaint", _("Complaints by category")), ("suggestion", _("Suggestions by category"))):
        stmt = (select(WorkOrder.category_id, WorkOrder.state, WorkOrder.created_at, WorkOrder.closed_at,
                       WorkOrder.due_at, WorkOrder.satisfaction)
                .where(WorkOrder.type_code == code, WorkOrder.merged_into_id.is_(None),
                       *_range(WorkOrder.created_at, params)))
        counts: dict[int | None, Counter[str]] = {}
        for order in db.session.execute(stmt):
            count_order(counts.setdefault(order.category_id, Counter()), order, now)
        rows = [_complaint_row(names.get(category, str(category)), c)
                for category, c in sorted(counts.items(), key=lambda item: names.get(item[0], ""))]
        whole: Counter[str] = sum(counts.values(), Counter())
        add_summary_sheet(wb, title, [range_label(first, last),
                                      _("On time: closed by the deadline of its type and priority.")],
                          columns, rows, _complaint_row(_("Total"), whole))
    return wb


def _complaint_row(label: str, c: Counter[str]) -> list[Any]:
    return [label, c["registered"], c["closed"], c["on_time"],
            c["on_time"] / c["closed"] if c["closed"] else None, c["rated"],
            c["satisfied"] / c["rated"] if c["rated"] else None]
