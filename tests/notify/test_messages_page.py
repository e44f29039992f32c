"""The message log page: for team leaders and administrators, filtered and paged, numbers
masked unless the reader may see them."""
from __future__ import annotations

import re
from datetime import datetime

import pytest

from app.extensions import db
from app.notify.models import Message
from app.testing import submit
from app.testing.pytest_plugin import TEST_PASSWORD


@pytest.fixture
def client_as(app, make_user):
    def log_in(*roles: str):
        client = app.test_client()
        user = make_user(*roles)
        response = submit(client, "/auth/login", {"username": user.username, "password": TEST_PASSWORD})
        assert response.status_code == 302
        return client

    return log_in


def _add(**fields) -> Message:
    values = dict(channel="sms", recipient="13800138000", text="您好", status="queued",
                  created_at=datetime(2026, 11, 23, 2, 0)) | fields
    message = Message(**values)
    db.session.add(message)
    db.session.commit()
    return message


def _ids(html: str) -> set[int]:
    import re
    return {int(n) for n in re.findall(r'data-message-id="(\d+)"', html)}


def test_only_team_leaders_and_administrators_read_the_log(app, client_as):
    for role in ("agent", "backoffice", "qa", "manager"):
        assert client_as(role).get("/notify/messages").status_code == 403, role
    teamlead = client_as("teamlead").get("/notify/messages")
    assert teamlead.status_code == 200
    assert 'data-nav="notify.messages"' in teamlead.get_data(as_text=True)
    assert client_as("admin").get("/notify/messages").status_code == 200
    assert 'data-nav="notify.messages"' not in client_as("agent").get("/").get_data(as_text=True)


def test_numbers_are_masked_except_for_administrators(app, client_as):
    _add()
    _add(channel="email", recipient="zhang.wei@example.com")
    masked = client_as("teamlead").get("/notify/messages").get_data(as_text=True)
    assert "138****8000" in masked and "z***@example.com" in masked
    assert "13800138000" not in masked and "zhang.wei@" not in masked
    full = client_as("admin").get("/notify/messages").get_data(as_text=True)
    assert "13800138000" in full and "zhang.wei@example.com" in full


def test_filters_by_status_channel_and_local_date(app, client_as):
    queued = _add()
    failed = _add(status="failed", error="gateway down", channel="email", recipient="a@example.com")
    # 2026-11-23 17:00 UTC is already the 24th in Beijing.
    late = _add(created_at=datetime(2026, 11, 23, 17, 0))
    client = client_as("teamlead")

    def shown(**args) -> set[int]:
        response = client.get("/notify/messages", query_string=args)
        assert response.status_code == 200
        return _ids(response.get_data(as_text=True))

    assert shown() == {queued.id, failed.id, late.id}
    assert shown(status="failed") == {failed.id}
    assert shown(channel="sms") == {queued.id, late.id}
    assert shown(date_from="2026-11-24") == {late.id}
    assert shown(date_to="2026-11-23") == {queued.id, failed.id}
    assert "gateway down" in client.get("/notify/messages?status=failed").get_data(as_text=True)


@pytest.mark.parametrize("args", [{"status": "lost"}, {"channel": "fax"}, {"date_from": "yesterday"},
                                  {"page": "x"}, {"page": "-3"}])
def test_bad_filters_are_a_message_not_a_500(app, client_as, args):
    response = client_as("teamlead").get("/notify/messages", query_string=args)
    assert response.status_code == 200


def test_the_log_is_paged_newest_first(app, client_as):
    ids = [_add(text=f"第{n}条").id for n in range(55)]
    client = client_as("teamlead")
    first = client.get("/notify/messages").get_data(as_text=True)
    assert _ids(first) == set(ids[5:])
    second = client.get("/notify/messages?page=2").get_data(as_text=True)
    assert _ids(second) == set(ids[:5])
    assert 'href="/notify/messages?page=1"' in second


def test_the_page_carries_no_inline_script_or_style(app, client_as):
    _add()
    html = client_as("teamlead").get("/notify/messages").get_data(as_text=True)
    assert "<script>" not in html and "style=" not in html and "<style" not in html
    assert all(tag.startswith('<script src="/static/') for tag in re.findall(r"<script[^>]*>", html))
