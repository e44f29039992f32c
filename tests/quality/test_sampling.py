"""Sampling by rule: n random answered calls per agent per week, every complaint, topped up
rather than redrawn, drawn by the worker's Monday job or the "draw now" button."""
from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.pluginhost import collect
from app.quality import sampling
from app.quality.models import COMPLAINTS, RANDOM, SampleItem, SampleRule
from app.testing import submit

WEEK = date(2026, 11, 30)  # a Monday
IN_WEEK = datetime(2026, 12, 2, 2, 0)


def _count(**where) -> int:
    query = select(func.count()).select_from(SampleItem)
    for name, value in where.items():
        query = query.where(getattr(SampleItem, name) == value)
    return db.session.scalar(query)


def _rule(kind: str, per_agent: int = 2, **fields) -> SampleRule:
    rule = SampleRule(name=f"{kind}-{per_agent}", kind=kind, per_agent=per_agent, **fields)
    db.session.add(rule)
    db.session.commit()
    return rule


def test_week_of_is_the_monday():
    assert sampling.week_of(date(2026, 12, 6)) == WEEK and sampling.week_of(WEEK) == WEEK


def test_random_draws_n_per_agent_within_the_week(app, people, make_call):
    _rule(RANDOM, per_agent=2)
    mine = [make_call(people["agent"], answered_at=IN_WEEK) for _ in range(5)]
    make_call(people["other"], answered_at=IN_WEEK)  # only one: he gets one
    make_call(people["agent"], answered_at=IN_WEEK - timedelta(days=7))  # last week
    make_call(people["agent"], answered_at=None)  # never answered
    assert sampling.draw(WEEK, rng=random.Random(1)) == 3
    assert _count(agent_id=people["agent"].id) == 2 and _count(agent_id=people["other"].id) == 1
    drawn = set(db.session.scalars(select(SampleItem.desk_call_id).where(SampleItem.agent_id == people["agent"].id)))
    assert drawn <= {c.id for c in mine}


def test_complaints_are_all_drawn(app, people, make_call):
    _rule(COMPLAINTS)
    complaints = {make_call(people["agent"], answered_at=IN_WEEK, ticket_type="complaint").id for _ in range(4)}
    make_call(people["agent"], answered_at=IN_WEEK, ticket_type="query")
    assert sampling.draw(WEEK) == 4
    assert set(db.session.scalars(select(SampleItem.desk_call_id))) == complaints


def test_a_second_draw_tops_up_and_never_draws_a_call_twice(app, people, make_call):
    _rule(RANDOM, per_agent=3)
    _rule(COMPLAINTS)
    make_call(people["agent"], answered_at=IN_WEEK, ticket_type="complaint")
    make_call(people["agent"], answered_at=IN_WEEK)
    sampling.draw(WEEK, rng=random.Random(7))
    db.session.commit()
    assert _count() == 2  # the random rule took both; the complaint is not drawn again
    assert sampling.draw(WEEK, rng=random.Random(7)) == 0
    for _ in range(3):
        make_call(people["agent"], answered_at=IN_WEEK + timedelta(days=2))
    assert sampling.draw(WEEK, rng=random.Random(7)) == 1  # 3 per agent: one more
    assert _count() == 3


def test_rules_switched_off_or_for_another_queue_draw_nothing(app, people, make_call):
    _rule(RANDOM, active=False)
    _rule(RANDOM, per_agent=5, queue="postline-12329")
    make_call(people["agent"], answered_at=IN_WEEK, queue="postline-11185")
    make_call(people["agent"], answered_at=IN_WEEK, queue="postline-12329")
    assert sampling.draw(WEEK) == 1


def test_the_worker_draws_last_week_every_monday(app, people, make_call, monkeypatch):
    job = next(j for j in collect("postline_jobs") if j.name == "quality_sample")
    assert job.trigger == "cron" and job.trigger_args["day_of_week"] == "mon"
    _rule(COMPLAINTS)
    make_call(people["agent"], answered_at=IN_WEEK, ticket_type="complaint")
    monkeypatch.setattr(sampling, "this_week", lambda: WEEK + timedelta(days=7))
    job.func()
    assert _count(week=WEEK) == 1


def test_team_leads_set_rules_and_draw_now(app, people, make_call, client_for):
    lead = client_for(people["lead"])
    assert submit(lead, "/quality/rules", {"name": "投诉全检", "kind": "complaints", "per_agent": "1"}).status_code == 302
    assert submit(lead, "/quality/rules", {"name": "坏", "kind": "random", "per_agent": "0"}).status_code == 200
    make_call(people["agent"], answered_at=IN_WEEK, ticket_type="complaint")
    response = submit(lead, "/quality/sample/draw", {"week": "2026-12-03"}, page="/quality/sample")
    assert response.status_code == 302 and "week=2026-11-30" in response.headers["Location"]
    page = lead.get("/quality/sample?week=2026-11-30").get_data(as_text=True)
    assert page.count("data-call-id=") == 1 and "投诉全检" in page
    assert submit(lead, "/quality/sample/draw", {"week": "not-a-day"}, page="/quality/sample").status_code == 302
    assert lead.get("/quality/sample?week=garbage").status_code == 200
    rule = db.session.scalar(select(SampleRule))
    submit(lead, f"/quality/rules/{rule.id}/toggle", {}, page="/quality/rules")
    db.session.expire_all()
    assert rule.active is False


def test_agents_cannot_draw_or_set_rules(app, people, client_for):
    agent = client_for(people["agent"])
    assert agent.get("/quality/rules").status_code == 403
    assert agent.get("/quality/sample").status_code == 403
    assert submit(agent, "/quality/sample/draw", {"week": "2026-12-01"}, page="/").status_code == 403
    assert submit(agent, "/quality/rules", {"name": "x", "kind": "complaints", "per_agent": "1"},
                  page="/").status_code == 403
