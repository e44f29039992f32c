"""Rate limits per IP address on the public forms (flask-limiter): past the limit a Chinese
page with status 429, and nothing saved; another address is not held back. The limits here
are set low; the site's own are settings."""
from __future__ import annotations

import socket
import uuid

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.testing import submit
from app.tickets.models import WorkOrder


@pytest.fixture
def app_config(app_config):
    return {**app_config, "SELFSERVICE_SUBMIT_LIMIT": "2 per hour", "SELFSERVICE_STATUS_LIMIT": "3 per hour"}


def html(response) -> str:
    return response.get_data(as_text=True)


def _orders() -> int:
    return db.session.scalar(select(func.count()).select_from(WorkOrder))


def test_submitting_past_the_limit_is_refused_with_429(app, send):
    assert [send().status_code for _ in range(2)] == [302, 302]
    refused = send()
    assert refused.status_code == 429
    assert "您所在网络的操作次数过多" in html(refused) and "/auth/" not in html(refused)
    assert _orders() == 2


def test_refused_forms_count_too(app, send):
    """A robot that only ever sends bad forms is held back as well."""
    assert [send(phone="123").status_code for _ in range(2)] == [200, 200]
    assert send().status_code == 429 and _orders() == 0


def test_status_lookups_past_the_limit_are_refused(app, citizen):
    answers = [submit(citizen, "/public/status", {"number": f"20260101-0000{i}", "phone": "13800138000"})
               for i in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    # Opening the form is not a lookup.
    assert citizen.get("/public/status").status_code == 200


def test_the_limit_is_per_address(app, send):
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.1.2.3"
    for _ in range(2):
        send()
    assert send().status_code == 429
    assert send(client=other).status_code == 302


def _redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
        return True
    except OSError:
        return False


@pytest.mark.skipif(not _redis_up(), reason="no Redis at 127.0.0.1:6379")
def test_redis_storage_counts_across_apps(app_config, postline_database):
    """With ``RATELIMIT_STORAGE_URI=redis://…`` every worker process shares the counts: a
    second app (another gunicorn worker) sees the first one's."""
    from app import create_app

    config = {**app_config, "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379", "SELFSERVICE_STATUS_LIMIT": "1 per hour"}
    address = f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"
    answers = []
    for _ in range(2):
        worker = create_app(config)
        client = worker.test_client()
        client.environ_base["REMOTE_ADDR"] = address
        with worker.app_context():
            answers.append(submit(client, "/public/status", {"number": "20260101-00001", "phone": "13800138000"}))
            db.session.remove()
            db.engine.dispose()
    assert [a.status_code for a in answers] == [200, 429]
