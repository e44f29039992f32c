"""Demo data for ``postline demo load``: a few titles, a registered subscriber with two
addresses and the demo PIN ``123456`` (change or delete him before real use), and one order,
so that the catalog, the IVR's newspaper menu, the reports and the reminder have something
to show. A second run adds nothing."""
from __future__ import annotations

from sqlalchemy import select

from app import api

from . import orders
from .models import NewspaperSubscriber, NewspaperTitle

DEMO_PIN = "123456"
DEMO_PHONE = "13905910001"
TITLES = [
    # code, title, publisher, frequency, per issue, per month (fen), periods, deadline day
    ("1-1", "人民日报", "人民日报社", "daily", 200, 4800, "1,3,6,12", 20),
    ("1-16", "光明日报", "光明日报社", "daily", 150, 3800, "1,3,6,12", 20),
    ("2-252", "中国邮政报", "中国邮政报社", "weekly", 150, 600, "3,6,12", 15),
    ("54-17", "读者", "读者出版集团", "biweekly", 900, 1800, "6,12", 15),
]


def load() -> dict[str, int]:
    added = {"newspaper_titles": 0, "newspaper_subscribers": 0, "newspaper_subscriptions": 0}
    for code, title, publisher, frequency, issue, month, periods, deadline in TITLES:
        if orders.title_by_code(code) is None:
            api.db.session.add(NewspaperTitle(code=code, title=title, publisher=publisher, frequency=frequency,
                                              price_issue_fen=issue, price_month_fen=month, periods=periods,
                                              deadline_day=deadline))
            added["newspaper_titles"] += 1
    api.db.session.commit()
    subscriber = api.db.session.scalar(select(NewspaperSubscriber).where(NewspaperSubscriber.phone_digits == DEMO_PHONE))
    if subscriber is None:
        subscriber = orders.register_subscriber("林小红", DEMO_PHONE, "鼓楼区", "五一北路1号", "350001", DEMO_PIN)
        orders.add_address(subscriber, "台江区", "八一七中路200号", "350004")
        added["newspaper_subscribers"] += 1
        orders.subscribe(subscriber, orders.title_by_code("1-1"), 3, by="demo")  # type: ignore[arg-type]
        added["newspaper_subscriptions"] += 1
    return added
