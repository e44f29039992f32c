"""WEB 使用统计 (web self-service use): per period, how often citizens looked an order up on
the public status page (and found it or not) and how many work orders they submitted on the
web, by business type.

A lookup leaves an audit row (action ``lookup``, object ``selfservice_status``, whether the
order was found, the visitor's IP address, never the number or phone typed), so the count
needs no table of its own and the trail shows a visitor trying numbers. Orders are counted
by their channel ``web`` and the day they were registered. The report is this room's (the
reports room cannot import the self-service room, which sits above it)."""
from __future__ import annotations

import json
from collections import Counter
from typing import Any

from flask_babel import gettext as _
from openpyxl import Workbook
from sqlalchemy import select

from app.audit.listener import record
from app.audit.models import AuditLog
from app.extensions import db
from app.reports.excel import Column, summary_workbook
from app.reports.grouping import PeriodKeys, sorted_groups
from app.reports.periods import period_label, range_label, read_params
from app.selfservice.intake import PUBLIC_TYPES, WEB
from app.tickets.models import WorkOrder
from app.tickets.types import all_types
from app.timeutil import within_days

LOOKUP, LOOKED_UP = "lookup", "selfservice_status"


def note_lookup(found: bool) -> None:
    """Count a status lookup (the caller commits)."""
    record(LOOKUP, LOOKED_UP, detail={"found": found})


def build_web_usage(params: dict[str, Any]) -> Workbook:
    first, last, period, _queues = read_params(params)
    period_key = PeriodKeys(period)
    groups: dict[tuple, Counter[str]] = {}
    lookups = db.session.execute(select(AuditLog.at, AuditLog.after).where(
        AuditLog.action == LOOKUP, AuditLog.object_type == LOOKED_UP, *within_days(AuditLog.at, first, last)))
    for at, detail in lookups:
        c = groups.setdefault((period_key(at),), Counter())
        c["lookups"] += 1
        c["found"] += bool(json.loads(detail or "{}").get("found"))
    orders = db.session.execute(select(WorkOrder.created_at, WorkOrder.type_code).where(
        WorkOrder.channel == WEB, *within_days(WorkOrder.created_at, first, last)))
    for at, code in orders:
        c = groups.setdefault((period_key(at),), Counter())
        c["orders"] += 1
        c["type:" + code] += 1
    types = all_types()
    codes = list(PUBLIC_TYPES) + sorted({name[5:] for c in groups.values() for name in c
                                         if name.startswith("type:") and name[5:] not in PUBLIC_TYPES})
    date_format = {"day": "yyyy-mm-dd", "hour": "yyyy-mm-dd hh:mm"}.get(period)
    columns = [Column(_("Period"), 14, date_format), Column(_("Status lookups"), 12, "0"),
               Column(_("Order found"), 12, "0"), Column(_("Nothing found"), 12, "0"),
               Column(_("Found share"), 10, "0.0%"), Column(_("Work orders submitted on the web"), 14, "0"),
               *[Column(str(types[code].title) if code in types else code, 10, "0") for code in codes]]

    def row(label: Any, c: Counter[str]) -> list[Any]:
        return [label, c["lookups"], c["found"], c["lookups"] - c["found"],
                c["found"] / c["lookups"] if c["lookups"] else None, c["orders"],
                *[c["type:" + code] for code in codes]]

    rows = [row(period_label(period, key), c) for (key,), c in sorted_groups(groups)]
    whole: Counter[str] = sum(groups.values(), Counter())
    notes = [range_label(first, last),
             _("Lookups on the public status page (number and phone); work orders by the day they were registered.")]
    return summary_workbook(_("Web self-service use"), notes, columns, rows, row(_("Total"), whole))
