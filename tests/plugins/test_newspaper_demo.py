"""``postline demo load`` shows the line working: titles, a subscriber with the demo PIN and
an order; a second run adds nothing; the demo subscriber orders by telephone over the
default 11185 flow."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import select

from app import api
from app.ivr.models import IVRLine
from app.ivr.simulator import simulate
from plugins.newspaper import demo, ivr
from plugins.newspaper.models import NewspaperSubscriber, NewspaperSubscription

NOW = datetime(2026, 12, 10, 2, 0, tzinfo=timezone.utc)


def test_demo_data_twice_and_an_order_by_phone(app):
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    assert "newspaper_titles +4" in result.output and "newspaper_subscriptions +1" in result.output
    again = app.test_cli_runner().invoke(args=["demo", "load"])
    assert "newspaper_titles +0" in again.output and "newspaper_subscribers +0" in again.output
    person = api.db.session.scalar(select(NewspaperSubscriber))
    assert person.pin_matches(demo.DEMO_PIN) and len(person.addresses) == 2
    line = api.db.session.scalar(select(IVRLine).where(IVRLine.number == "11185"))
    line.calendar.hours = "{}"  # open around the clock for this test
    api.db.session.commit()
    t = simulate(app, "11185", ["3", "1", person.account, demo.DEMO_PIN, "54*17#", "4", "1"], now=NOW,
                 dry_run=False)
    assert ivr.ORDER_SAVED in t.heard
    assert len(api.db.session.scalars(select(NewspaperSubscription)).all()) == 2
