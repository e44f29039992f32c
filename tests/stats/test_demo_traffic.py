"""A new site's demo has traffic to look at: four weeks of calls up to now in the demo's
queues, the agents' shifts, figures on the wallboard's day, and loading it again adds
nothing."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from app.agents import demo as agents_demo
from app.auth import demo as auth_demo
from app.cti.models import QueueLogEntry
from app.extensions import db
from app.stats import demo
from app.stats.metrics import queue_figures
from app.stats.models import AgentHour, QueueHour
from app.timeutil import centre_today, utcnow


def test_demo_traffic_fills_the_figures_once(app):
    auth_demo.load()
    agents_demo.load()
    added = demo.load()["queue_log lines"]
    assert added > demo.DEMO_CALLS_PER_DAY * (demo.DEMO_DAYS - 1) * 2
    latest = db.session.scalar(select(func.max(QueueLogEntry.at)))
    assert latest <= utcnow()     # nothing ahead of now
    queues = set(db.session.scalars(select(QueueHour.queue).distinct()))
    assert queues == set(demo.DEMO_QUEUES)
    assert db.session.scalar(select(func.sum(AgentHour.login_s))) > 0
    today = centre_today()
    weeks = queue_figures(today - timedelta(days=27), today, period="all")
    assert {queue for _key, queue, _figures in weeks} == set(demo.DEMO_QUEUES)
    assert all(figures.received > figures.answered > 0 for _key, _queue, figures in weeks)
    assert all(15 <= figures.average_acw <= 60 for _key, _queue, figures in weeks)  # the wrap-up pauses
    assert demo.load() == {"queue_log lines": 0}
    assert db.session.scalar(select(func.count()).select_from(QueueLogEntry)) == added
