"""The administrator's user pages keep the site administrable: the last active
administrator keeps the role, every user has a role, and a form shows all its errors."""
from __future__ import annotations

from sqlalchemy import select

from app.auth.models import User
from app.extensions import db
from app.testing import submit
from app.testing.concurrency import at_once
from app.testing.pytest_plugin import TEST_PASSWORD

LAST_ADMIN = "这是最后一个启用的管理员"


def _admin_client(client, admin):
    submit(client, "/auth/login", {"username": admin.username, "password": TEST_PASSWORD})
    return client


def _save(client, user, **changes):
    data = {"username": user.username, "display_name": "", "password": "",
            "roles": sorted(user.roles), "department_id": "0", "locale": "zh_CN", "active": "y"}
    data.update(changes)
    data = {k: v for k, v in data.items() if v is not None}
    return submit(client, f"/admin/users/{user.id}", data)


def _reloaded(user: User) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


def test_the_last_administrator_cannot_drop_their_own_admin_role(client, make_user):
    me = make_user("admin")
    response = _save(_admin_client(client, me), me, roles=["manager"])
    assert response.status_code == 200
    assert LAST_ADMIN in response.get_data(as_text=True)
    assert _reloaded(me).roles == {"admin"}


def test_the_last_administrator_cannot_be_disabled(client, make_user):
    me = make_user("admin")
    response = _save(_admin_client(client, me), me, active=None)  # box unticked
    assert LAST_ADMIN in response.get_data(as_text=True)
    assert _reloaded(me).active


def test_a_disabled_administrator_does_not_count(client, make_user):
    me, retired = make_user("admin"), make_user("admin")
    retired.active = False
    db.session.commit()
    response = _save(_admin_client(client, me), me, roles=["manager"])
    assert LAST_ADMIN in response.get_data(as_text=True)


def test_with_another_administrator_the_role_can_go(client, make_user):
    me, _other = make_user("admin"), make_user("admin")
    response = _save(_admin_client(client, me), me, roles=["manager"])
    assert response.status_code == 302
    assert _reloaded(me).roles == {"manager"}


def test_a_user_cannot_be_saved_without_a_role(client, make_user):
    admin = make_user("admin")
    response = submit(_admin_client(client, admin), "/admin/users/new", {
        "username": "norole", "password": "long enough pw", "department_id": "0",
        "locale": "zh_CN", "active": "y"})
    assert response.status_code == 200
    assert "请至少给用户一个角色" in response.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.username == "norole")) is None


def test_an_empty_new_user_form_reports_every_error_in_chinese(client, make_user):
    admin = make_user("admin")
    response = submit(_admin_client(client, admin), "/admin/users/new", {
        "username": "", "password": "", "department_id": "0", "locale": "zh_CN"})
    html = response.get_data(as_text=True)
    errors = [e for e in html.split('class="error" role="alert">')[1:]]
    messages = [e.split("<")[0] for e in errors]
    assert response.status_code == 200
    assert len(messages) == 3, messages  # user name, password, roles
    assert "新用户必须设置密码" in html and "请至少给用户一个角色" in html
    assert all(not m.isascii() for m in messages), messages


def test_a_taken_name_and_a_missing_password_are_reported_together(client, make_user):
    admin = make_user("admin")
    response = submit(_admin_client(client, admin), "/admin/users/new", {
        "username": admin.username, "password": "", "roles": ["agent"],
        "department_id": "0", "locale": "zh_CN", "active": "y"})
    html = response.get_data(as_text=True)
    assert "用户名已被占用" in html and "新用户必须设置密码" in html


def test_two_administrators_taking_each_others_role_at_once_leave_one(app, make_user):
    """Each sees the other still there; without a lock both saves go through and nobody can
    administer the site."""
    li, wang = make_user("admin", username="lihua"), make_user("admin", username="wangfang")
    clients = {}
    for admin in (li, wang):
        clients[admin.username] = app.test_client()
        _admin_client(clients[admin.username], admin)

    def demote(by: str, other: User):
        return lambda: _save(clients[by], other, roles=["manager"]).status_code

    statuses = at_once(app, [demote("lihua", wang), demote("wangfang", li)],
                       meet_after=lambda sql: "user_role" in sql and "count(" in sql.lower())
    assert sorted(statuses) == [200, 302]  # one saved, one told it would leave no admin
    db.session.expire_all()
    admins = [u for u in db.session.scalars(select(User)) if "admin" in u.roles and u.active]
    assert len(admins) == 1


def test_a_users_mobile_and_e_mail_are_kept_for_escalations(client, make_user):
    me, lead = make_user("admin"), make_user("teamlead")
    admin = _admin_client(client, me)
    bad = _save(admin, lead, phone="010-65000000", email="not-an-address")
    page = bad.get_data(as_text=True)
    assert "手机号码为 11 位" in page and "不是有效的电子邮件地址" in page
    assert _reloaded(lead).phone == ""
    assert _save(admin, lead, phone="138 0013 8000", email="lead@example.cn").status_code == 302
    assert (_reloaded(lead).phone, _reloaded(lead).email) == ("138 0013 8000", "lead@example.cn")
