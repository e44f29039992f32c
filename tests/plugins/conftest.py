"""Fixtures of the newspaper plugin's tests (tests/plugins/test_newspaper*.py): a small
catalog, a registered subscriber with a known PIN and two addresses, and a fixed "today"
(2026-12-10, before the 20th's order deadline, so orders start on 2027-01-01)."""
from __future__ import annotations

from datetime import date

import pytest
from newspaper_kit import CALLER, DAY, PIN


@pytest.fixture
def newspaper_today(monkeypatch):
    """Every "today" of the newspaper plugin is :data:`DAY`."""
    from plugins.newspaper import history, orders, reminders, views

    for module in (orders, reminders, views, history):
        monkeypatch.setattr(module, "today", lambda: DAY)
    return DAY


@pytest.fixture
def paper_titles(app):
    """1-1 (48.00 a month, every period, deadline the 20th), 54-17 (18.00, half-year and
    year only, deadline the 5th) and 9-9 (orders closed since 2026-11-30)."""
    from app.extensions import db
    from plugins.newspaper.models import NewspaperTitle

    titles = {
        "1-1": NewspaperTitle(code="1-1", title="人民日报", publisher="人民日报社", frequency="daily",
                              price_issue_fen=200, price_month_fen=4800, periods="1,3,6,12", deadline_day=20),
        "54-17": NewspaperTitle(code="54-17", title="读者", publisher="读者出版集团", frequency="biweekly",
                                price_issue_fen=900, price_month_fen=1800, periods="6,12", deadline_day=5),
        "9-9": NewspaperTitle(code="9-9", title="停订周报", frequency="weekly", price_month_fen=500,
                              periods="3,12", orders_until=date(2026, 11, 30)),
    }
    db.session.add_all(titles.values())
    db.session.commit()
    return titles


@pytest.fixture
def paper_subscriber(app):
    """Account with PIN :data:`PIN`, phone :data:`CALLER`; addresses 1 (鼓楼区) and 2 (台江区)."""
    from plugins.newspaper import orders

    person = orders.register_subscriber("王芳", CALLER, "鼓楼区", "五一北路1号", "350001", PIN)
    orders.add_address(person, "台江区", "八一七中路200号", "350004")
    return person
