"""Numbers read out on the phone: the centre's date and the day's sequence, never shared."""
from __future__ import annotations

import threading
from datetime import datetime

import pytest
from sqlalchemy import select

from app.extensions import db
from app.testing.pytest_plugin import base_config
from app.tickets.models import WorkOrder
from app.tickets.numbering import next_number
from app.tickets.register import register


@pytest.fixture
def app_config(postline_database, postline_plugins):
    """Enough connections for the parallel registrations, each with its own."""
    return base_config(postline_database, postline_plugins) | {
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 25, "max_overflow": 0, "pool_timeout": 120}}


def test_the_number_is_the_centres_local_date_and_the_days_sequence(app):
    late_evening_utc = datetime(2026, 11, 22, 16, 30)  # 00:30 on the 23rd in Shanghai
    first = register(None, type_code="query", subject="a")
    db.session.commit()
    assert next_number(late_evening_utc) == "20261123-00001"
    assert next_number(late_evening_utc) == "20261123-00002"
    assert next_number(datetime(2026, 11, 23, 16, 30)) == "20261124-00001"
    assert first.number.endswith("-00001")


def test_a_failed_registration_gives_its_number_back(app):
    register(None, type_code="query", subject="a")
    db.session.rollback()
    order = register(None, type_code="query", subject="b")
    db.session.commit()
    assert order.number.endswith("-00001")


def test_fifty_orders_registered_at_once_get_fifty_numbers_without_gaps(app, postline_database):
    if not postline_database.startswith("postgresql"):
        pytest.skip("parallel writers need PostgreSQL; SQLite has one writer at a time")
    start = threading.Barrier(50, timeout=60)
    errors: list[BaseException] = []

    def one(i: int) -> None:
        with app.app_context():
            try:
                start.wait()
                register(None, type_code="query", subject=f"#{i}")
                db.session.commit()
            except BaseException as exc:  # handed to the test
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=one, args=(i,)) for i in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []
    numbers = db.session.scalars(select(WorkOrder.number)).all()
    assert len(numbers) == 50 == len(set(numbers))
    assert sorted(int(n.split("-")[1]) for n in numbers) == list(range(1, 51))
