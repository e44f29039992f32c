"""IVR 使用统计 (IVR usage), per period, from the IVR's call records: per line the calls and
how they left the IVR with the self-served share; per line the steps callers reached; and
where callers left the IVR — the last step before they hung up or were served.

A call reaches a step once however often it came back to it (a menu repeated). Self-served
share: calls that ended in the IVR after a self-service answer (outcome ``self_served``)
over those plus the calls handed to an agent, the comparison a manager weighs the IVR by."""
from __future__ import annotations

import json
from collections import Counter
from typing import Any

from flask_babel import gettext as _
from openpyxl import Workbook
from sqlalchemy import select

from app.calls.models import ERROR, HUNG_UP, LOST, SELF_SERVED, TRANSFERRED, VOICEMAIL, CallRecord
from app.extensions import db
from app.pluginhost import collect
from app.reports.calls import outcome_label
from app.reports.excel import Column, add_summary_sheet
from app.reports.grouping import PeriodKeys, sorted_groups
from app.reports.periods import period_label, range_label, read_params
from app.timeutil import within_days

#: How a call left the IVR, in the columns' order; "" is a call still in it.
EXITS = (SELF_SERVED, TRANSFERRED, VOICEMAIL, HUNG_UP, ERROR, LOST)


def _steps(path: str) -> list[dict[str, Any]]:
    try:
        steps = json.loads(path or "[]")
    except ValueError:
        return []
    return [step for step in steps if isinstance(step, dict)] if isinstance(steps, list) else []


def _period_column(period: str) -> Column:
    return Column(_("Period"), 14, {"day": "yyyy-mm-dd", "hour": "yyyy-mm-dd hh:mm"}.get(period))


def _exit_row(label: Any, line: str, c: Counter[str]) -> list[Any]:
    handled = c[SELF_SERVED] + c[TRANSFERRED]
    return [label, line, c["calls"], *[c[outcome] for outcome in EXITS],
            c[SELF_SERVED] / handled if handled else None]


def build_ivr_usage(params: dict[str, Any]) -> Workbook:
    first, last, period, _queues = read_params(params)
    period_key = PeriodKeys(period)
    titles = {node.name: str(node.title) for node in collect("postline_ivr_nodes")}
    stmt = (select(CallRecord.started_at, CallRecord.line, CallRecord.outcome, CallRecord.path)
            .where(*within_days(CallRecord.started_at, first, last)))
    by_line: dict[tuple, Counter[str]] = {}
    reached: dict[tuple, Counter[str]] = {}
    left: dict[tuple, Counter[str]] = {}
    for at, line, outcome, path in db.session.execute(stmt.execution_options(yield_per=5000)):
        key = period_key(at)
        c = by_line.setdefault((key, line), Counter())
        c["calls"] += 1
        c[outcome] += 1
        steps = _steps(path)
        for step_id, node in {(str(s.get("step", "")), str(s.get("node", ""))) for s in steps}:
            reached.setdefault((key, line, step_id, node), Counter())["calls"] += 1
        if steps and outcome in (HUNG_UP, SELF_SERVED):
            last_step = steps[-1]
            left.setdefault((key, line, str(last_step.get("step", "")), str(last_step.get("node", ""))),
                            Counter())[outcome] += 1
    notes = [range_label(first, last),
             _("Self-served share: calls that ended in the IVR after a self-service answer / those and the "
               "calls handed to an agent.")]
    wb = Workbook()
    wb.remove(wb.active)
    columns = [_period_column(period), Column(_("Line"), 10), Column(_("Calls"), 10, "0"),
               *[Column(outcome_label(outcome), 10, "0") for outcome in EXITS],
               Column(_("Self-served share"), 12, "0.0%")]
    rows = [_exit_row(period_label(period, key), line, c) for (key, line), c in sorted_groups(by_line)]
    whole: Counter[str] = sum(by_line.values(), Counter())
    add_summary_sheet(wb, _("IVR calls by line"), notes, columns, rows, _exit_row(_("Total"), "", whole))
    calls_of = {key: c["calls"] for key, c in by_line.items()}

    def step_columns(counted: str) -> list[Column]:
        return [_period_column(period), Column(_("Line"), 10), Column(_("Step"), 16), Column(_("Node"), 20),
                Column(counted, 12, "0")]

    def node_title(node: str) -> str:
        return titles.get(node, node)

    reached_rows = [[period_label(period, key), line, step_id, node_title(node), c["calls"],
                     c["calls"] / calls_of[(key, line)] if calls_of.get((key, line)) else None]
                    for (key, line, step_id, node), c in sorted_groups(reached)]
    add_summary_sheet(wb, _("IVR steps reached"),
                      [range_label(first, last), _("A call counts once per step it reached.")],
                      [*step_columns(_("Calls that reached it")), Column(_("Share of the line's calls"), 12, "0.0%")],
                      reached_rows)
    left_rows = [[period_label(period, key), line, step_id, node_title(node), c[HUNG_UP], c[SELF_SERVED],
                  c[HUNG_UP] + c[SELF_SERVED]] for (key, line, step_id, node), c in sorted_groups(left)]
    add_summary_sheet(wb, _("Where callers leave the IVR"),
                      [range_label(first, last), _("The last step of the calls that ended in the IVR.")],
                      [*step_columns(_("Hung up there")), Column(_("Self-served there"), 12, "0"),
                       Column(_("Left there"), 10, "0")],
                      left_rows, [_("Total"), "", "", "", sum(r[4] for r in left_rows), sum(r[5] for r in left_rows),
                                  sum(r[6] for r in left_rows)])
    return wb
