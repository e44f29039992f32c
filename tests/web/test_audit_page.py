"""The audit log as an administrator reads it: field by field with before → after, no
secret ever shown, filters by person, object, action and local date, and a pager that keeps
the filters and never fails on a page number."""
from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import select

from app.audit.models import AuditLog
from app.auth.models import User
from app.extensions import db
from app.testing import submit
from app.web.audit_page import PAGE_SIZE


def _ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'data-audit-id="(\d+)"', html)]


def _add(n: int, **values) -> list[int]:
    rows = [AuditLog(actor=values.get("actor", "cli:ops"), action=values.get("action", "update"),
                     object_type=values.get("object_type", "customer"), object_id=str(i),
                     at=values.get("at", datetime(2026, 3, 1, 2, 0)), ip="",
                     before=values.get("before"), after=values.get("after")) for i in range(n)]
    db.session.add_all(rows)
    db.session.commit()
    return [r.id for r in rows]


def test_a_change_is_shown_field_by_field_with_before_and_after(client, login, make_user):
    user = make_user("agent", username="wang")
    login("admin")
    response = submit(client, f"/admin/users/{user.id}", {
        "username": "wang", "display_name": "王师傅", "password": "", "roles": ["agent"],
        "department_id": "0", "locale": "zh_CN", "active": "y"})
    assert response.status_code == 302, response.get_data(as_text=True)
    html = client.get("/admin/audit?object_type=user_account&action=update").get_data(as_text=True)
    row = re.search(r'<tr data-field="display_name">.*?</tr>', html, re.S).group(0)
    assert "姓名" in row and "display_name" in row  # the label, with the code name beside it
    assert re.search(r"<del[^>]*>测试</del>.*→.*<ins[^>]*>王师傅</ins>", row, re.S)
    assert "&#34;display_name&#34;" not in html and '{"display_name"' not in html  # no raw JSON
    assert "修改" in html and "用户" in html  # action and object named, not update / user_account


def test_the_name_of_a_record_and_the_name_of_a_person_have_their_own_words(client, login):
    _add(1, object_type="department", after='{"name": "速递物流部"}')
    _add(1, object_type="user_account", after='{"display_name": "王芳"}')
    login("admin")
    html = client.get("/admin/audit").get_data(as_text=True)
    assert "名称" in re.search(r'<tr data-field="name">.*?</tr>', html, re.S).group(0)
    assert "姓名" in re.search(r'<tr data-field="display_name">.*?</tr>', html, re.S).group(0)


def test_password_hashes_are_never_shown_only_that_they_changed(client, login, make_user):
    user = make_user("agent", username="li")
    login("admin")
    submit(client, f"/admin/users/{user.id}", {
        "username": "li", "display_name": "测试", "password": "a-new-password-1", "roles": ["agent"],
        "department_id": "0", "locale": "zh_CN", "active": "y"})
    db.session.expire_all()
    stored = db.session.scalar(select(User.password_hash).where(User.id == user.id))
    html = client.get("/admin/audit?object_type=user_account").get_data(as_text=True)
    assert '<tr data-field="password_hash">' in html and "已修改，不显示" in html
    assert stored not in html and "***" not in html and "a-new-password-1" not in html


def test_a_secret_looking_field_is_hidden_even_if_it_was_stored(client, login):
    _add(1, object_type="plugin_setting", after='{"api_token": "tok-123", "pin": "4321", "name": "x"}',
         action="create")
    login("admin")
    html = client.get("/admin/audit?object_type=plugin_setting").get_data(as_text=True)
    assert "tok-123" not in html and "4321" not in html and "不显示" in html


def test_unknown_actions_and_objects_are_shown_as_they_are(client, login):
    _add(1, action="archived", object_type="hello_greeting")
    login("admin")
    html = client.get("/admin/audit").get_data(as_text=True)
    assert "archived" in html and "hello_greeting" in html


def test_filters_by_person_and_object(client, login):
    mine = _add(2, actor="cli:zhang", object_type="customer")
    other = _add(2, actor="cli:li", object_type="ivr_line")
    login("admin")
    html = client.get("/admin/audit?actor=zhang").get_data(as_text=True)
    assert set(_ids(html)) == set(mine)
    html = client.get("/admin/audit?object_type=ivr_line&actor=cli:").get_data(as_text=True)
    assert set(_ids(html)) == set(other)
    html = client.get("/admin/audit?object_type=ivr_line&object_id=1").get_data(as_text=True)
    assert _ids(html) == [other[1]]


def test_date_range_is_the_centres_days_over_utc_times(client, login):
    # 17:30 UTC on 1 March is 01:30 on 2 March in Beijing
    late = _add(1, at=datetime(2026, 3, 1, 17, 30))
    early = _add(1, at=datetime(2026, 3, 1, 15, 30))  # 23:30 on 1 March in Beijing
    login("admin")
    html = client.get("/admin/audit?date_from=2026-03-02&date_to=2026-03-02").get_data(as_text=True)
    assert _ids(html) == late
    html = client.get("/admin/audit?date_to=2026-03-01").get_data(as_text=True)
    assert early[0] in _ids(html) and late[0] not in _ids(html)
    assert "2026-03-02 01:30:00" in client.get("/admin/audit?date_from=2026-03-02").get_data(as_text=True)


def test_a_bad_date_is_a_message_not_an_error(client, login):
    _add(1)
    login("admin")
    response = client.get("/admin/audit?date_from=3月1日&date_to=2026-02-30")
    assert response.status_code == 200
    assert response.get_data(as_text=True).count("日期格式不正确") == 2


def test_pages_keep_the_filters_and_any_page_number_answers(client, login):
    ids = _add(PAGE_SIZE * 2 + 5, actor="cli:wang")
    _add(3, actor="cli:zhao")
    login("admin")
    first = client.get("/admin/audit?actor=wang").get_data(as_text=True)
    assert _ids(first) == sorted(ids, reverse=True)[:PAGE_SIZE]
    assert "第 1 页，共 3 页" in first
    links = re.findall(r'href="(/admin/audit\?[^"]+)"', first)
    assert links and all("actor=wang" in link for link in links)
    second = client.get(links[0].replace("&amp;", "&")).get_data(as_text=True)
    assert _ids(second) == sorted(ids, reverse=True)[PAGE_SIZE:2 * PAGE_SIZE]
    for page in ("99", "0", "-3", "abc", "1e9"):
        response = client.get(f"/admin/audit?actor=wang&page={page}")
        assert response.status_code == 200, page
    assert _ids(client.get("/admin/audit?actor=wang&page=99").get_data(as_text=True)) == sorted(ids)[:5][::-1]


def test_nothing_found_is_an_empty_list(client, login):
    login("admin")
    response = client.get("/admin/audit?actor=nobody-at-all&page=4")
    assert response.status_code == 200 and "没有符合筛选条件的记录" in response.get_data(as_text=True)
