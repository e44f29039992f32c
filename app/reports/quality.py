"""服务质量 (service quality): the inspectors' scores per agent and scoring template over the
range (by the day a call was scored): calls scored, the average score, critical failures
(a red-line item missed, scored 0) and the appeals with their outcomes.

A score's ``score`` is the one standing now (a revised appeal has changed it), so the average
is what the agent is judged on; the totals row averages over all scores, not over the rows."""
from __future__ import annotations

from collections import Counter
from typing import Any

from flask_babel import gettext as _
from openpyxl import Workbook
from sqlalchemy import select

from app.agents.models import DeskCall
from app.auth.models import User
from app.extensions import db
from app.quality.models import APPEALED, REVISED, UPHELD, QualityScore
from app.reports.agents import shown
from app.reports.excel import Column, summary_workbook
from app.reports.periods import range_label, read_params
from app.timeutil import within_days


def _row(label: str, template: str, c: Counter[str]) -> list[Any]:
    return [label, template, c["scored"], c["points"] / c["scored"] if c["scored"] else None, c["critical"],
            c["critical"] / c["scored"] if c["scored"] else None, c["appeals"], c[UPHELD], c[REVISED],
            c[APPEALED]]


def build_quality(params: dict[str, Any]) -> Workbook:
    first, last, _period, queues = read_params(params)
    stmt = (select(QualityScore.score, QualityScore.critical_failed, QualityScore.state,
                   QualityScore.appealed_at, QualityScore.template_name, User)
            .join(User, User.id == QualityScore.agent_id)
            .where(*within_days(QualityScore.scored_at, first, last)))
    if queues:
        stmt = stmt.join(DeskCall, DeskCall.id == QualityScore.desk_call_id).where(DeskCall.queue.in_(queues))
    groups: dict[tuple[str, int, str], Counter[str]] = {}   # (agent's name, his id, template)
    for score, critical, state, appealed_at, template, user in db.session.execute(stmt):
        c = groups.setdefault((shown(user, ""), user.id, template), Counter())
        c["scored"] += 1
        c["points"] += score
        c["critical"] += bool(critical)
        if appealed_at is not None:
            c["appeals"] += 1
            c[state] += 1
    columns = [Column(_("Agent"), 16), Column(_("Scoring template"), 22), Column(_("Calls scored"), 10, "0"),
               Column(_("Average score"), 10, "0.0"), Column(_("Critical failures"), 10, "0"),
               Column(_("Critical failure share"), 12, "0.0%"), Column(_("Appeals"), 10, "0"),
               Column(_("Appeals upheld"), 10, "0"), Column(_("Appeals revised"), 10, "0"),
               Column(_("Appeals awaiting an answer"), 12, "0")]
    rows = [_row(agent, template, c) for (agent, _id, template), c in sorted(groups.items())]
    whole: Counter[str] = sum(groups.values(), Counter())
    notes = [range_label(first, last),
             _("By the day the call was scored; the score standing now (after a revised appeal). "
               "A critical failure scores 0.")]
    return summary_workbook(_("Service quality"), notes, columns, rows, _row(_("Total"), "", whole))
