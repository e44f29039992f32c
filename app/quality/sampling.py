"""The weekly list of calls to score, drawn by the team leads' rules: ``random`` takes n
answered calls of each agent, ``complaints`` every call summarised as a complaint.

A week is Monday to Sunday in the centre's calendar. Drawing is idempotent: a second draw of
the same week only tops up what the rules still lack (an agent with 2 of his 5 calls drawn
on Wednesday gets 3 more on Monday), never draws a call twice, never replaces one already
drawn. The worker draws the week just ended every Monday (:func:`draw_last_week_job`); the
sample page has a button to draw any week now."""
from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import func, select

from app.agents.models import DeskCall
from app.extensions import db
from app.quality.models import COMPLAINTS, RANDOM, QualityScore, SampleItem, SampleRule
from app.tickets.kinds import COMPLAINT
from app.timeutil import centre_today, day_start_utc


def week_of(day: date) -> date:
    """The Monday starting ``day``'s week."""
    return day - timedelta(days=day.weekday())


def this_week() -> date:
    return week_of(centre_today())


def _week_calls(week: date, rule: SampleRule):
    """The rule's candidates: calls answered in the week (in its queue, if it names one)
    and not drawn for this week yet."""
    drawn = select(SampleItem.desk_call_id).where(SampleItem.week == week)
    query = select(DeskCall).where(DeskCall.answered_at >= day_start_utc(week),
                                   DeskCall.answered_at < day_start_utc(week + timedelta(days=7)),
                                   DeskCall.id.not_in(drawn))
    if rule.queue:
        query = query.where(DeskCall.queue == rule.queue)
    if rule.kind == COMPLAINTS:
        query = query.where(DeskCall.ticket_type == COMPLAINT)
    return db.session.scalars(query.order_by(DeskCall.id)).all()


def _random_picks(week: date, rule: SampleRule, rng: random.Random) -> list[DeskCall]:
    """Per agent, as many calls as the rule still lacks for him this week, at random."""
    have = dict(db.session.execute(
        select(SampleItem.agent_id, func.count())
        .where(SampleItem.week == week, SampleItem.rule_id == rule.id).group_by(SampleItem.agent_id)).all())
    by_agent: dict[int, list[DeskCall]] = defaultdict(list)
    for call in _week_calls(week, rule):
        by_agent[call.agent_id].append(call)
    picks: list[DeskCall] = []
    for agent_id in sorted(by_agent):
        lacking = max(rule.per_agent - have.get(agent_id, 0), 0)
        calls = by_agent[agent_id]
        picks.extend(rng.sample(calls, min(lacking, len(calls))))
    return picks


def draw(week: date, who: str = "system", rng: random.Random | None = None) -> int:
    """Draw the week's sample by every active rule (added to the session, not committed);
    how many calls were added."""
    rng = rng or random.SystemRandom()
    week = week_of(week)
    added = 0
    for rule in db.session.scalars(select(SampleRule).where(SampleRule.active.is_(True))
                                   .order_by(SampleRule.id)):
        picks = _random_picks(week, rule, rng) if rule.kind == RANDOM else _week_calls(week, rule)
        for call in picks:
            db.session.add(SampleItem(week=week, desk_call_id=call.id, rule_id=rule.id,
                                      agent_id=call.agent_id, drawn_by=who))
        db.session.flush()
        added += len(picks)
    return added


def draw_last_week_job() -> None:
    """The worker's Monday job: the week that has just ended."""
    draw(this_week() - timedelta(days=7))
    db.session.commit()


def sample_list(week: date) -> list[tuple[SampleItem, QualityScore | None]]:
    """The week's drawn calls with their scores (``None``: still to score), unscored first."""
    rows = db.session.execute(
        select(SampleItem, QualityScore)
        .outerjoin(QualityScore, QualityScore.desk_call_id == SampleItem.desk_call_id)
        .where(SampleItem.week == week).order_by(SampleItem.id)).all()
    return sorted(((item, score) for item, score in rows), key=lambda row: row[1] is not None)
