"""Two administrators editing one user: a form opened before the other's save is refused,
naming who saved and when, instead of silently undoing their change (app.audit.editing)."""
from __future__ import annotations

import re

from app.auth.models import User
from app.extensions import db
from app.testing import csrf_token_from, submit
from app.testing.pytest_plugin import TEST_PASSWORD


def _client_as(app, make_user, username: str):
    client = app.test_client()
    make_user("admin", username=username)
    assert submit(client, "/auth/login", {"username": username, "password": TEST_PASSWORD}).status_code == 302
    return client


def _opened(client, user_id: int) -> dict:
    html = client.get(f"/admin/users/{user_id}").get_data(as_text=True)
    fields = dict(re.findall(r'<input[^>]*?name="(username|display_name|row_version)"[^>]*?value="([^"]*)"', html))
    return fields | {"csrf_token": csrf_token_from(html), "roles": ["agent"], "locale": "zh_CN",
                     "department_id": "0", "active": "y"}


def test_a_user_form_opened_before_another_save_is_refused_naming_who_saved(app, make_user):
    agent = make_user("agent", username="zhang")
    li, wang = _client_as(app, make_user, "lihua"), _client_as(app, make_user, "wangfang")
    mine, theirs = _opened(li, agent.id), _opened(wang, agent.id)
    assert mine["row_version"] == theirs["row_version"] == "1"
    assert wang.post(f"/admin/users/{agent.id}", data=theirs | {"display_name": "张伟"}).status_code == 302
    response = li.post(f"/admin/users/{agent.id}", data=mine | {"display_name": "张三"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "未保存" in html and "wangfang" in html
    db.session.expire_all()
    assert db.session.get(User, agent.id).display_name == "张伟"
    again = _opened(li, agent.id)
    assert again["row_version"] == "2"
    assert li.post(f"/admin/users/{agent.id}", data=again | {"display_name": "张三"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, agent.id).display_name == "张三"
