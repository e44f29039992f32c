"""``housingfund-12329``: the 12329 line's figures as seed 004 §3.3 lists them — total
calls, average talk time, 接通率, 呼损率, average wait and average after-call work — per
day, ISO week, month and year, one sheet each, over the line's queues
(``HOUSINGFUND_QUEUES``) taken together.

The figures are :mod:`app.stats.metrics`' (the same as ``call-summary``'s), summed over the
queues of each period before any rate is computed; 呼损率 is seed 004's (abandoned /
answered), with the industry's abandoned / received beside it, labelled."""
from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook

from app.reports.call_summary import add_calls_trend
from app.reports.excel import Column, add_summary_sheet
from app.reports.periods import period_label, range_label, read_params
from app.stats.metrics import QueueFigures, by_period, queue_figures, total

#: One sheet per period seed 004 §3.3 names, in this order.
SHEETS = (("day", _l("12329 daily")), ("week", _l("12329 weekly")), ("month", _l("12329 monthly")),
          ("year", _l("12329 yearly")))


def housingfund_queues() -> list[str]:
    return [name.strip() for name in str(current_app.config.get("HOUSINGFUND_QUEUES", "")).split(",")
            if name.strip()]


def _columns(period: str) -> list[Column]:
    return [Column(_("Period"), 14, "yyyy-mm-dd" if period == "day" else None),
            Column(_("Total calls"), 10, "0"), Column(_("Calls answered"), 10, "0"),
            Column(_("Calls abandoned"), 10, "0"), Column(_("Answer rate (answered / received)"), 14, "0.0%"),
            Column(_("Abandon rate, seed 004 (abandoned / answered)"), 16, "0.0%"),
            Column(_("Abandon rate (abandoned / received)"), 14, "0.0%"),
            Column(_("Average talk (s)"), 12, "0.0"), Column(_("Average wait (s)"), 12, "0.0"),
            Column(_("Average after-call work (s)"), 14, "0.0")]


def _row(label: Any, f: QueueFigures) -> list[Any]:
    return [label, f.received, f.answered, f.abandoned, f.answer_rate, f.abandon_rate_seed004, f.abandon_rate,
            f.average_talk, f.asa, f.average_acw]


def build_housingfund(params: dict[str, Any]) -> Workbook:
    first, last, _period, _queues = read_params(params)
    queues = housingfund_queues()
    notes = [range_label(first, last), _("Queues: %(queues)s", queues=", ".join(queues) or "-"),
             _("Average wait: until answered, over answered calls; average talk over answered calls that ended.")]
    wb = Workbook()
    wb.remove(wb.active)
    daily: dict[Any, QueueFigures] = {}
    for period, title in SHEETS:
        summed = by_period(queue_figures(first, last, period, queues))
        rows = [_row(period_label(period, key), f) for key, f in sorted(summed.items())]
        whole = total(summed.values()) or QueueFigures()
        add_summary_sheet(wb, str(title), [_("12329 housing provident fund hotline"), *notes],
                          _columns(period), rows, _row(_("Total"), whole))
        if period == "day":
            daily = summed
    add_calls_trend(wb, "day", daily, _("Total calls"))
    return wb
