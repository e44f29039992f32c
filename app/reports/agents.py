"""受理员工作量统计 (agent workload) and the agent call detail.

Workload: per agent over the range, the calls he answered, his talk and after-call work,
handle time, missed offers (RINGNOANSWER), logged-in and paused time, occupancy, and the
calls he summarised and work orders he registered. queue_log names an agent by his member
name or interface; the report shows the PostLine user behind it (and the queue_log name,
so history survives a rename)."""
from __future__ import annotations

from collections import Counter
from typing import Any

from flask_babel import gettext as _
from openpyxl import Workbook
from sqlalchemy import func, select

from app.agents.models import AgentProfile, DeskCall
from app.auth.models import User
from app.extensions import db
from app.reports.excel import Column, add_table_sheet, summary_workbook
from app.reports.periods import range_label, read_params
from app.reports.progress import streamed_rows
from app.stats.metrics import AgentFigures, agent_figures, total
from app.stats.models import QueueCall
from app.tickets.models import WorkOrder
from app.timeutil import LocalClock, within_days

DURATION = "[h]:mm:ss"


def people() -> dict[str, User]:
    """queue_log agent names (member name and interface) → the PostLine user."""
    found: dict[str, User] = {}
    for profile, user in db.session.execute(select(AgentProfile, User).join(User, User.id == AgentProfile.user_id)):
        for name in (profile.member_name, profile.interface):
            if name:
                found[name] = user
    return found


def shown(user: User | None, name: str) -> str:
    return (user.display_name or user.username) if user else name


def _days(seconds: float | None) -> float | None:
    """Seconds as an Excel duration (a fraction of a day), shown as h:mm:ss."""
    return None if seconds is None else seconds / 86400


def build_workload(params: dict[str, Any]) -> Workbook:
    first, last, _period, queues = read_params(params)
    users = people()
    summarised = Counter(dict(db.session.execute(
        select(DeskCall.agent_id, func.count()).where(DeskCall.summarised_at.is_not(None),
                                                     *within_days(DeskCall.offered_at, first, last))
        .group_by(DeskCall.agent_id)).all()))
    registered = Counter(dict(db.session.execute(
        select(WorkOrder.created_by_id, func.count()).where(*within_days(WorkOrder.created_at, first, last))
        .group_by(WorkOrder.created_by_id)).all()))
    columns = [Column(_("Agent"), 16), Column(_("Name in queue_log"), 16), Column(_("Calls answered"), 10, "0"),
               Column(_("Missed offers"), 10, "0"), Column(_("Talk time"), 12, DURATION),
               Column(_("Average talk (s)"), 12, "0.0"), Column(_("Average after-call work (s)"), 14, "0.0"),
               Column(_("AHT (s)"), 10, "0.0"), Column(_("Logged in"), 12, DURATION), Column(_("Paused"), 12, DURATION),
               Column(_("Occupancy"), 10, "0.0%"), Column(_("Calls summarised"), 12, "0"),
               Column(_("Work orders registered"), 12, "0")]
    found = agent_figures(first, last, "all", queues=queues)

    def row(label: str, name: str, f: AgentFigures, user: User | None) -> list[Any]:
        return [label, name, f.answered, f.ringnoanswer, _days(f.talk_s), f.average_talk, f.average_acw, f.aht,
                _days(f.login_s), _days(f.pause_s), f.occupancy,
                summarised[user.id] if user else 0, registered[user.id] if user else 0]

    rows = []
    for _key, name, f in found:
        user = users.get(name)
        rows.append(row(shown(user, name), name, f, user))
    whole = total(f for _key, _name, f in found) or AgentFigures()
    totals = row(_("Total"), "", whole, None)
    totals[-2:] = [sum(r[-2] for r in rows), sum(r[-1] for r in rows)]
    return summary_workbook(_("Agent workload"), [range_label(first, last)], columns, rows, totals)


def build_call_detail(params: dict[str, Any]) -> Workbook:
    """Every answered queued call, one row each: when, queue, agent, caller, wait, talk,
    after-call work, who hung up. Streamed in write-only mode (a year is millions of rows)."""
    first, last, _period, queues = read_params(params)
    table = QueueCall.__table__
    stmt = (select(table.c.entered_at, table.c.queue, table.c.agent, table.c.caller, table.c.hold_s,
                   table.c.ring_s, table.c.talk_s, table.c.acw_s, table.c.ended_by, table.c.callid)
            .where(table.c.counted.is_(True), table.c.outcome == "answered",
                   *within_days(table.c.entered_at, first, last))
            .order_by(table.c.entered_at))
    if queues:
        stmt = stmt.where(table.c.queue.in_(queues))
    ended = {"agent": _("Agent"), "caller": _("Caller"), "transfer": _("Transferred"), "": ""}
    columns = [Column(_("Time"), 18, "yyyy-mm-dd hh:mm:ss"), Column(_("Queue"), 18), Column(_("Agent"), 16),
               Column(_("Caller"), 16), Column(_("Waited (s)"), 10, "0"), Column(_("Rang (s)"), 8, "0"),
               Column(_("Talk (s)"), 10, "0"), Column(_("After-call work (s)"), 12, "0"),
               Column(_("Ended by"), 10), Column(_("Call id"), 22)]
    users = people()
    names: dict[str, str] = {}
    clock = LocalClock()

    def rows() -> Any:
        for at, queue, agent, caller, hold, ring, talk, acw, ended_by, callid in streamed_rows(stmt):
            name = names.get(agent)
            if name is None:
                name = names[agent] = shown(users.get(agent), agent)
            yield clock(at), queue, name, caller, hold, ring, talk, acw, ended.get(ended_by, ended_by), callid

    wb = Workbook(write_only=True)
    add_table_sheet(wb, _("Agent call detail"), columns, rows())
    return wb
