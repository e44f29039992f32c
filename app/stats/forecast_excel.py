"""The staffing forecast as an Excel file, declared as the ``forecast`` report (the reports
room lists it, downloads it and builds it from the command line) but made here, from the
stats room and the cell-safety rule only: the reports room sits above this one.

Sheet one is the table a team lead plans shifts with (half-hours down, the chosen weekdays
across, agents to schedule); sheet two every slot's figures (average calls, AHT, traffic,
agents on the phones, service level and ASA they give)."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from app.cellsafety import neutralise
from app.stats.forecast import SLOTS, Slot, forecast
from app.stats.forms import WEEKDAY_NAMES
from app.timeutil import centre_today

DEFAULTS = {"weeks": 4, "sl": 80.0, "threshold": 20.0, "asa": None, "shrinkage": 30.0}


def settings(params: dict[str, Any]) -> dict[str, Any]:
    """The forecast's parameters from a form's data or the command's (which gives only
    ``end`` and ``queue``: the forecast then learns from the weeks before ``end``)."""
    chosen = {name: params.get(name) if params.get(name) is not None else default
              for name, default in DEFAULTS.items()}
    end = params.get("end")
    chosen["today"] = end + timedelta(days=1) if end else centre_today()
    chosen["weekdays"] = sorted(params.get("weekdays") or range(1, 8))
    queue = (params.get("queue") or "").strip()
    chosen["queues"] = [queue] if queue else None
    return chosen


def run(chosen: dict[str, Any]) -> list[Slot]:
    return forecast(weeks=int(chosen["weeks"]), today=chosen["today"], target_sl=chosen["sl"] / 100,
                    threshold_s=chosen["threshold"], target_asa_s=chosen["asa"],
                    shrinkage=chosen["shrinkage"] / 100, queues=chosen["queues"])


def describe(chosen: dict[str, Any]) -> str:
    text = _("Learned from the %(weeks)d weeks before %(day)s; service level %(sl)g%% within %(t)g s; "
             "shrinkage %(shrinkage)g%%.", weeks=int(chosen["weeks"]), day=chosen["today"].isoformat(),
             sl=chosen["sl"], t=chosen["threshold"], shrinkage=chosen["shrinkage"])
    if chosen["asa"] is not None:
        text += " " + _("ASA at most %(asa)g s.", asa=chosen["asa"])
    if chosen["queues"]:
        text += " " + _("Queue: %(queue)s.", queue=chosen["queues"][0])
    return text


def build_forecast(params: dict[str, Any]) -> Workbook:
    chosen = settings(params)
    slots = run(chosen)
    days = chosen["weekdays"]
    wb = Workbook()
    plan = wb.active
    plan.title = _("Agents to schedule")[:31]
    _heading(plan, _("Staffing forecast"), describe(chosen))
    _header(plan, 3, [_("Half-hour")] + [str(WEEKDAY_NAMES[d - 1]) for d in days], [10] + [9] * len(days))
    by_key = {(s.weekday, s.slot): s for s in slots}
    for index in range(SLOTS):
        first = by_key[(days[0], index)]
        plan.append([first.label] + [by_key[(d, index)].staffing.scheduled for d in days])
    plan.append([_("Most in a half-hour")] + [max(by_key[(d, i)].staffing.scheduled for i in range(SLOTS))
                                              for d in days])
    for cell in plan[plan.max_row]:
        cell.font = Font(bold=True)
    plan.auto_filter.ref = f"A3:{get_column_letter(len(days) + 1)}{plan.max_row - 1}"
    detail = wb.create_sheet(_("Slot figures")[:31])
    _heading(detail, _("Staffing forecast"), describe(chosen))
    _header(detail, 3, [_("Weekday"), _("Half-hour"), _("Average calls"), _("AHT (s)"),
                        _("Traffic (erlangs)"), _("Agents on the phones"), _("Agents to schedule"),
                        _("Service level"), _("ASA (s)")],
            [8, 10, 12, 10, 14, 14, 14, 12, 10])
    formats = [None, None, "0.00", "0", "0.00", "0", "0", "0.0%", "0.0"]
    for s in slots:
        if s.weekday not in days:
            continue
        asa = s.staffing.asa_s if s.staffing.asa_s != float("inf") else None
        detail.append([str(WEEKDAY_NAMES[s.weekday - 1]), s.label, s.calls, s.aht_s, s.staffing.traffic,
                       s.staffing.agents, s.staffing.scheduled, s.staffing.service_level, asa])
        for cell, number_format in zip(detail[detail.max_row], formats):
            if number_format:
                cell.number_format = number_format
    detail.auto_filter.ref = f"A3:I{detail.max_row}"
    return wb


def _heading(ws: Worksheet, title: str, note: str) -> None:
    ws.append([neutralise(title)])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([neutralise(note)])


def _header(ws: Worksheet, row: int, titles: list[str], widths: list[int]) -> None:
    ws.append([neutralise(t) for t in titles])
    fill = PatternFill("solid", fgColor="DDEBF7")
    for index, (cell, width) in enumerate(zip(ws[row], widths), start=1):
        cell.font, cell.fill = Font(bold=True), fill
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = f"A{row + 1}"
