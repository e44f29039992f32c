"""``call-summary``: per queue and period, the figures of seed 004 §3.3 and the queue
statistics managers compare with Asternic and QueueMetrics — received, answered, abandoned
and the other exits, 接通率, 呼损率 in both definitions (labelled), service level with each
queue's threshold, ASA, average talk and after-call work. The totals row is made from the
summed counts, never from averaging the rows' rates; a second sheet charts the trend."""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from openpyxl import Workbook

from app.reports.excel import Column, add_trend_chart, summary_workbook
from app.reports.periods import period_label, range_label, read_params
from app.stats.metrics import QueueFigures, by_period, queue_figures, total
from app.stats.thresholds import service_level_seconds

PERCENT, SECONDS = "0.0%", "0.0"


def columns(period: str) -> list[Column]:
    date_format = {"day": "yyyy-mm-dd", "hour": "yyyy-mm-dd hh:mm"}.get(period)
    return [Column(_("Period"), 16, date_format), Column(_("Queue"), 18),
            Column(_("Calls received"), 10, "0"), Column(_("Calls answered"), 10, "0"), Column(_("Calls abandoned"), 10, "0"),
            Column(_("Timed out"), 10, "0"), Column(_("Left by key"), 10, "0"),
            Column(_("Queue empty"), 10, "0"), Column(_("Full / closed"), 10, "0"),
            Column(_("Answer rate (answered / received)"), 14, PERCENT),
            Column(_("Abandon rate, seed 004 (abandoned / answered)"), 16, PERCENT),
            Column(_("Abandon rate (abandoned / received)"), 14, PERCENT),
            Column(_("Service level"), 12, PERCENT), Column(_("ASA (s)"), 10, SECONDS),
            Column(_("Average talk (s)"), 12, SECONDS), Column(_("Average after-call work (s)"), 14, SECONDS)]


def figures_row(label: Any, queue: str, f: QueueFigures) -> list[Any]:
    return [label, queue, f.received, f.answered, f.abandoned, f.timeout, f.exitkey, f.exitempty,
            f.full + f.closed + f.joinempty, f.answer_rate, f.abandon_rate_seed004, f.abandon_rate,
            f.service_level, f.asa, f.average_talk, f.average_acw]


def build(params: dict[str, Any]) -> Workbook:
    first, last, period, queues = read_params(params)
    found = queue_figures(first, last, period, queues)
    rows = [figures_row(period_label(period, key), queue, f) for key, queue, f in found]
    whole = total(f for _key, _queue, f in found) or QueueFigures()
    thresholds = sorted({f"{queue} {service_level_seconds(queue)}s" for _key, queue, _f in found})
    notes = [range_label(first, last),
             _("Service level: answered within the queue's threshold / answered (%(thresholds)s)",
               thresholds=", ".join(thresholds) or "-"),
             _("Average talk: over answered calls that ended; after-call work: the agent's ACW pause.")]
    title = _("Queue call summary")
    wb = summary_workbook(title, notes, columns(period), rows, figures_row(_("Total"), "", whole))
    add_calls_trend(wb, period, by_period(found), _("Calls received"))
    return wb


def add_calls_trend(wb: Workbook, period: str, summed: dict[Any, QueueFigures], received_title: str) -> None:
    """The trend sheet: calls received and answered per period, as a native line chart
    (none for a single period)."""
    if len(summed) > 1:
        add_trend_chart(wb, _("Trend"), _("Calls received and answered"),
                        [period_label(period, key) for key in summed],
                        [(received_title, [f.received for f in summed.values()]),
                         (_("Calls answered"), [f.answered for f in summed.values()])])
