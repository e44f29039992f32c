"""受理员出勤 (agent attendance): per agent and centre day, when he first logged in and last
logged off, how long he was logged in and paused, the pause by reason and how many pauses.

The first login and last logoff are read from the stored queue_log agent lines (the times
Asterisk wrote); the seconds come from the agent roll-ups (:mod:`app.stats.sessions`), so
the figures agree with the workload report and the wallboard. A pause reason is shown by
the name the centre gave it on the pause-reasons page, its code otherwise."""
from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from openpyxl import Workbook
from sqlalchemy import func, select

from app.agents.models import ACW_REASON, PauseReason
from app.cti.models import QueueLogEntry
from app.extensions import db
from app.reports.agents import DURATION, _days, people, shown
from app.reports.excel import Column, add_summary_sheet, summary_workbook
from app.reports.periods import range_label, read_params
from app.stats.metrics import AgentFigures, agent_figures, total
from app.stats.models import AgentPauseHour
from app.stats.sessions import LOGIN_EVENTS, LOGOFF_EVENTS
from app.timeutil import LocalClock, within_days

TIME = "hh:mm:ss"


def reason_names() -> dict[str, str]:
    names = {row.code: row.name for row in db.session.scalars(select(PauseReason))}
    names.setdefault(ACW_REASON, _("After-call work"))
    names[""] = _("(no reason)")
    return names


def session_edges(first: date, last: date) -> dict[tuple[date, str], tuple[datetime | None, datetime | None]]:
    """(day, agent) → (first login, last logoff) as the centre's naive local times."""
    edges: dict[tuple[date, str], list[datetime | None]] = {}
    stmt = (select(QueueLogEntry.agent, QueueLogEntry.event, QueueLogEntry.at)
            .where(QueueLogEntry.event.in_(LOGIN_EVENTS | LOGOFF_EVENTS), QueueLogEntry.agent != "",
                   *within_days(QueueLogEntry.at, first, last)))
    clock = LocalClock()
    for agent, event, at in db.session.execute(stmt):
        when = clock(at)
        pair = edges.setdefault((when.date(), agent), [None, None])
        if event in LOGIN_EVENTS:
            pair[0] = when if pair[0] is None else min(pair[0], when)
        else:
            pair[1] = when if pair[1] is None else max(pair[1], when)
    return {key: (pair[0], pair[1]) for key, pair in edges.items()}


def pauses_by_reason(first: date, last: date) -> dict[tuple[date, str, str], tuple[int, int]]:
    """(day, agent, reason) → (pauses begun that day, paused seconds); a pause over an hour
    boundary is one pause."""
    stmt = (select(AgentPauseHour.day, AgentPauseHour.agent, AgentPauseHour.reason,
                   func.sum(AgentPauseHour.pauses), func.sum(AgentPauseHour.pause_s))
            .where(AgentPauseHour.day >= first, AgentPauseHour.day <= last)
            .group_by(AgentPauseHour.day, AgentPauseHour.agent, AgentPauseHour.reason))
    return {(day, agent, reason): (int(n or 0), int(seconds or 0))
            for day, agent, reason, n, seconds in db.session.execute(stmt)}


def build_attendance(params: dict[str, Any]) -> Workbook:
    first, last, _period, _queues = read_params(params)
    users, names = people(), reason_names()
    found = agent_figures(first, last, "day")
    edges, by_reason = session_edges(first, last), pauses_by_reason(first, last)
    counts: Counter[tuple[date, str]] = Counter()
    for (day, agent, _reason), (n, _seconds) in by_reason.items():
        counts[(day, agent)] += n
    days: dict[tuple[date, str], AgentFigures] = {}
    for day, agent, figures in found:
        if figures.login_s or figures.pause_s or figures.pauses:
            days[(day, agent)] = figures
    for key in edges:
        days.setdefault(key, AgentFigures())
    reasons = sorted({reason for figures in days.values() for reason in figures.pauses},
                     key=lambda code: (code == "", names.get(code, code)))
    columns = [Column(_("Date"), 12, "yyyy-mm-dd"), Column(_("Agent"), 16), Column(_("Name in queue_log"), 16),
               Column(_("First login"), 10, TIME), Column(_("Last logoff"), 10, TIME),
               Column(_("Logged-in time"), 12, DURATION), Column(_("Pause time"), 12, DURATION),
               Column(_("Number of pauses"), 10, "0"),
               *[Column(_("Paused: %(reason)s", reason=names.get(code, code)), 12, DURATION) for code in reasons]]

    def figures_part(f: AgentFigures, n: int) -> list[Any]:
        return [_days(f.login_s), _days(f.pause_s), n, *[_days(f.pauses.get(code, 0)) for code in reasons]]

    rows = []
    for (day, agent), f in sorted(days.items(), key=lambda item: (item[0][0], shown(users.get(item[0][1]),
                                                                                      item[0][1]))):
        login, logoff = edges.get((day, agent), (None, None))
        rows.append([day, shown(users.get(agent), agent), agent, login.time() if login else None,
                     logoff.time() if logoff else None, *figures_part(f, counts.get((day, agent), 0))])
    whole = total(days.values()) or AgentFigures()
    totals = [_("Total"), "", "", None, None, *figures_part(whole, sum(counts.get(key, 0) for key in days))]
    notes = [range_label(first, last),
             _("Logged in: from the first queue joined until removed from every queue; a login still open "
               "at the end of the range is not counted yet.")]
    wb = summary_workbook(_("Agent attendance"), notes, columns, rows, totals)
    reason_rows = [[day, shown(users.get(agent), agent), names.get(reason, reason), n, _days(seconds)]
                   for (day, agent, reason), (n, seconds) in sorted(
                       by_reason.items(), key=lambda item: (item[0][0], shown(users.get(item[0][1]), item[0][1]),
                                                            names.get(item[0][2], item[0][2])))]
    add_summary_sheet(wb, _("Pauses by reason"), [range_label(first, last)],
                      [Column(_("Date"), 12, "yyyy-mm-dd"), Column(_("Agent"), 16), Column(_("Pause reason"), 16),
                       Column(_("Number of pauses"), 10, "0"), Column(_("Pause time"), 12, DURATION)],
                      reason_rows, [_("Total"), "", "", sum(r[3] for r in reason_rows),
                                    _days(sum(seconds for _n, seconds in by_reason.values()))])
    return wb
