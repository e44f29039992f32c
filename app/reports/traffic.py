"""话务量统计 (traffic by hour) and the missed-calls list.

Traffic: for each hour of the day over the range, the calls received, answered and
abandoned and the answer rate, the figures the staffing of a shift is planned on; the
chart shows the day's shape. Missed calls: every queued call that no agent answered, with
the caller's number, how long he waited and how he left — the list to call back, not only
a rate (ANCHORS: what QueueMetrics users still ask for). It is a detail report, written in
openpyxl's write-only mode."""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from openpyxl import Workbook
from sqlalchemy import select

from app.reports.excel import Column, add_table_sheet, add_trend_chart, summary_workbook
from app.reports.periods import range_label, read_params
from app.reports.progress import streamed_rows
from app.stats.metrics import QueueFigures, queue_figures, total
from app.stats.models import ANSWERED, QueueCall
from app.timeutil import LocalClock, within_days


def build_traffic(params: dict[str, Any]) -> Workbook:
    first, last, _period, queues = read_params(params)
    by_hour: dict[int, QueueFigures] = {}
    for hour, _queue, figures in queue_figures(first, last, "hour_of_day", queues):
        by_hour[hour] = by_hour[hour] + figures if hour in by_hour else figures
    columns = [Column(_("Hour"), 10), Column(_("Calls received"), 12, "0"), Column(_("Calls answered"), 12, "0"),
               Column(_("Calls abandoned"), 12, "0"), Column(_("Answer rate (answered / received)"), 14, "0.0%"),
               Column(_("Share of the day's calls"), 14, "0.0%")]
    whole = total(by_hour.values()) or QueueFigures()
    rows = [[f"{hour:02d}:00-{hour + 1:02d}:00", f.received, f.answered, f.abandoned, f.answer_rate,
             f.received / whole.received if whole.received else None] for hour, f in sorted(by_hour.items())]
    notes = [range_label(first, last), _("Queues: %(queues)s", queues=", ".join(queues) if queues else _("all"))]
    wb = summary_workbook(_("Traffic by hour"), notes, columns, rows,
                          [_("Total"), whole.received, whole.answered, whole.abandoned, whole.answer_rate, 1.0
                           if whole.received else None])
    if rows:
        add_trend_chart(wb, _("Chart"), _("Calls by hour of day"), [row[0] for row in rows],
                        [(_("Calls received"), [row[1] for row in rows]),
                         (_("Calls answered"), [row[2] for row in rows])])
    return wb


def outcome_label(outcome: str) -> str:
    return {"abandoned": _("Abandoned"), "timeout": _("Timed out"), "exitkey": _("Left by key (call back)"),
            "exitempty": _("Queue empty"), "full": _("Queue full"), "joinempty": _("No agents"),
            "closed": _("Line closed (out of hours)"), "": _("Still waiting")}.get(outcome, outcome)


def build_missed(params: dict[str, Any]) -> Workbook:
    first, last, _period, queues = read_params(params)
    table = QueueCall.__table__
    stmt = (select(table.c.entered_at, table.c.queue, table.c.caller, table.c.outcome, table.c.hold_s,
                   table.c.position, table.c.exit_key, table.c.callid)
            .where(table.c.counted.is_(True), table.c.outcome != ANSWERED,
                   *within_days(table.c.entered_at, first, last))
            .order_by(table.c.entered_at))
    if queues:
        stmt = stmt.where(table.c.queue.in_(queues))
    columns = [Column(_("Time"), 18, "yyyy-mm-dd hh:mm:ss"), Column(_("Queue"), 18), Column(_("Caller"), 16),
               Column(_("How the call ended"), 22), Column(_("Waited (s)"), 10, "0"),
               Column(_("Position when leaving"), 12, "0"), Column(_("Key"), 6), Column(_("Call id"), 22)]

    def rows() -> Any:
        clock = LocalClock()
        for at, queue, caller, outcome, hold, position, key, callid in streamed_rows(stmt, yield_per=2000):
            yield clock(at), queue, caller, outcome_label(outcome), hold, position, key, callid

    wb = Workbook(write_only=True)
    add_table_sheet(wb, _("Missed calls"), columns, rows())
    return wb
