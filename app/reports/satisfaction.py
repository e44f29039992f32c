"""满意度 (satisfaction): how callers answered, counted per answer with the satisfied share
(very satisfied or satisfied over all answers), per period and queue and per period and
agent for the IVR's post-call survey, and per period and business type for the level a
customer gave a person on a work order's feedback.

The survey is counted on the IVR call it scored (the day of the call, the queue queue_log
says it was answered in and the agent who answered it); a work order's level is counted only when it came from a person
(``satisfaction_source`` ``person``): a level the order took over from the survey is
already counted as that survey, once."""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from openpyxl import Workbook
from sqlalchemy import and_, select

from app.calls.models import CallRecord
from app.extensions import db
from app.reports.agents import people, shown
from app.reports.business import SATISFIED
from app.reports.excel import Column, add_summary_sheet
from app.reports.grouping import PeriodKeys, sorted_groups
from app.reports.periods import period_label, range_label, read_params
from app.stats.models import ANSWERED, QueueCall
from app.tickets.kinds import SATISFACTION
from app.tickets.models import WorkOrder
from app.tickets.satisfaction import PERSON, SURVEY_LEVELS
from app.tickets.types import all_types
from app.timeutil import within_days

LEVELS = list(SATISFACTION)


def _columns(period: str, group: str) -> list[Column]:
    date_format = {"day": "yyyy-mm-dd", "hour": "yyyy-mm-dd hh:mm"}.get(period)
    return [Column(_("Period"), 14, date_format), Column(group, 18),
            *[Column(str(SATISFACTION[level]), 10, "0") for level in LEVELS],
            Column(_("Answers"), 10, "0"), Column(_("Satisfied share"), 12, "0.0%")]


def _row(label: Any, name: str, c: Counter[str]) -> list[Any]:
    answers = sum(c[level] for level in LEVELS)
    satisfied = sum(c[level] for level in SATISFIED)
    return [label, name, *[c[level] for level in LEVELS], answers, satisfied / answers if answers else None]


def _sheet(wb: Workbook, title: str, notes: list[str], period: str, group: str,
           answers: Iterable[tuple[Any, str, str]]) -> None:
    """One sheet of (period key, group name, level) answers, counted per period and group."""
    groups: dict[tuple, Counter[str]] = {}
    for key, name, level in answers:
        groups.setdefault((key, name), Counter())[level] += 1
    rows = [_row(period_label(period, key), name, c) for (key, name), c in sorted_groups(groups)]
    whole: Counter[str] = sum(groups.values(), Counter())
    add_summary_sheet(wb, title, notes, _columns(period, group), rows, _row(_("Total"), "", whole))


def survey_answers(first: date, last: date, queues: list[str] | None) -> list[tuple[datetime, str, str, int]]:
    """(call's start, queue, agent, score) of the surveyed calls. The queue is the one queue_log
    says the call was answered in (its last answered queue, when it went through several), so
    it is named as in ``call-summary``; the IVR's own choice when queue_log has none."""
    stmt = (select(CallRecord.id, CallRecord.started_at, CallRecord.queue, CallRecord.agent,
                   CallRecord.survey_score, QueueCall.queue)
            .outerjoin(QueueCall, and_(QueueCall.callid == CallRecord.uniqueid, CallRecord.uniqueid != "",
                                       QueueCall.outcome == ANSWERED, QueueCall.counted.is_(True)))
            .where(CallRecord.survey_score.in_(tuple(SURVEY_LEVELS)), *within_days(CallRecord.started_at, first, last))
            .order_by(CallRecord.id, QueueCall.segment))
    found: dict[int, tuple[datetime, str, str, int]] = {}
    for call_id, at, ivr_queue, agent, score, answered_in in db.session.execute(stmt):
        found[call_id] = (at, answered_in or ivr_queue, agent, score)
    return [answer for answer in found.values() if not queues or answer[1] in queues]


def build_satisfaction(params: dict[str, Any]) -> Workbook:
    first, last, period, queues = read_params(params)
    period_key = PeriodKeys(period)
    surveys = survey_answers(first, last, queues)
    users, types = people(), all_types()
    satisfied = _("Satisfied share: very satisfied or satisfied / all answers.")
    wb = Workbook()
    wb.remove(wb.active)
    survey_notes = [range_label(first, last), _("The IVR's post-call survey, by the day of the call."), satisfied]
    _sheet(wb, _("Satisfaction by queue"), survey_notes, period, _("Queue"),
           ((period_key(at), queue or _("(no queue)"), SURVEY_LEVELS[score])
            for at, queue, _agent, score in surveys))
    _sheet(wb, _("Satisfaction by agent"), survey_notes, period, _("Agent"),
           ((period_key(at), shown(users.get(agent), agent) if agent else _("(no agent)"),
             SURVEY_LEVELS[score]) for at, _queue, agent, score in surveys))
    orders = db.session.execute(
        select(WorkOrder.created_at, WorkOrder.type_code, WorkOrder.satisfaction)
        .where(WorkOrder.satisfaction.in_(LEVELS), WorkOrder.satisfaction_source == PERSON,
               WorkOrder.merged_into_id.is_(None), *within_days(WorkOrder.created_at, first, last)))
    _sheet(wb, _("Work-order feedback"),
           [range_label(first, last), _("The level the customer gave on a work order's feedback, by the day the "
                                        "order was registered (a level taken from the survey is counted there)."),
            satisfied],
           period, _("Business type"),
           ((period_key(at), str(types[code].title) if code in types else code, level)
            for at, code, level in orders))
    return wb
