"""Two people editing one line: a form opened before someone else's save is refused, naming
who saved and when; two saves at the same moment (two threads, two database connections)
store one and refuse the other, never a 500 or a silent overwrite (app.audit.editing)."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.ivr.flows import defaults as default_flows
from app.ivr.models import IVRLine
from app.testing import csrf_token_from, submit
from app.testing.concurrency import at_once
from app.testing.pytest_plugin import TEST_PASSWORD


@pytest.fixture
def app_config(app_config):
    return app_config | {"TIMEZONE": "Asia/Shanghai"}


@pytest.fixture
def loaded(app):
    default_flows.load()
    return app


def _client_as(app, make_user, username: str):
    client = app.test_client()
    make_user("teamlead", username=username)
    response = submit(client, "/auth/login", {"username": username, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return client


def _opened(client, number: str) -> dict[str, str]:
    """The line's form as the browser has it: every field, the CSRF token, the hidden version."""
    html = client.get(f"/ivr/lines/{number}").get_data(as_text=True)
    fields = dict(re.findall(r'<input[^>]*?name="([a-z_]+)"[^>]*?value="([^"]*)"', html))
    fields["flow"] = re.search(r'<option selected value="([^"]*)"', html).group(1)
    fields.pop("always_open", None)
    fields["csrf_token"] = csrf_token_from(html)
    return {k: v for k, v in fields.items() if not k.startswith("holiday")}


def _name(number: str) -> str:
    db.session.expire_all()
    return db.session.scalar(select(IVRLine.name).where(IVRLine.number == number))


def test_a_line_form_opened_before_another_save_is_refused_naming_who_saved(loaded, make_user):
    li, wang = _client_as(loaded, make_user, "lihua"), _client_as(loaded, make_user, "wangfang")
    mine, theirs = _opened(li, "12329"), _opened(wang, "12329")
    assert mine["row_version"] == theirs["row_version"] == "1"
    assert wang.post("/ivr/lines/12329", data=theirs | {"name": "公积金（王）"}).status_code == 302
    response = li.post("/ivr/lines/12329", data=mine | {"name": "公积金（李）"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "未保存" in html and "wangfang" in html
    assert _name("12329") == "公积金（王）"
    again = _opened(li, "12329")  # reopened: their change is there, and saving works
    assert again["name"] == "公积金（王）" and again["row_version"] == "2"
    assert li.post("/ivr/lines/12329", data=again | {"name": "公积金（李）"}).status_code == 302
    assert _name("12329") == "公积金（李）"


def test_two_saves_of_one_line_at_once_store_one_and_refuse_the_other(loaded, make_user):
    li, wang = _client_as(loaded, make_user, "lihua"), _client_as(loaded, make_user, "wangfang")
    mine, theirs = _opened(li, "12329"), _opened(wang, "12329")

    def reads_the_line(sql: str) -> bool:
        return sql.lstrip().upper().startswith("SELECT") and "FROM ivr_line" in sql

    results = at_once(loaded, [lambda: li.post("/ivr/lines/12329", data=mine | {"name": "李"}),
                               lambda: wang.post("/ivr/lines/12329", data=theirs | {"name": "王"})],
                      reads_the_line)
    codes = sorted(r.status_code for r in results)
    assert codes == [200, 302], results
    refused = next(r for r in results if r.status_code == 200).get_data(as_text=True)
    assert "未保存" in refused
    assert _name("12329") in ("李", "王")
