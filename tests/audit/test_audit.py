"""Every change a person makes is in the audit trail (who, when, what, before and after),
secrets are never written there, and only admins can read it."""
from __future__ import annotations

import json

from sqlalchemy import select

from app.audit.acting import acting_as
from app.audit.models import AuditLog
from app.auth.models import User
from app.customers.models import Customer
from app.extensions import db
from app.testing import submit


def _rows(object_type: str) -> list[AuditLog]:
    db.session.expire_all()
    return db.session.scalars(
        select(AuditLog).where(AuditLog.object_type == object_type).order_by(AuditLog.id)
    ).all()


def test_admin_creates_a_user_and_the_trail_names_the_admin(client, login):
    login("admin")
    response = submit(client, "/admin/users/new", {
        "username": "xiaoli", "display_name": "小李", "password": "s3cret-pass",
        "roles": ["agent"], "department_id": "0", "locale": "zh_CN", "active": "y",
    })
    assert response.status_code == 302, response.get_data(as_text=True)
    created = db.session.scalar(select(User).where(User.username == "xiaoli"))
    assert created is not None and created.roles == {"agent"}
    row = next(r for r in _rows("user_account") if r.action == "create" and r.object_id == str(created.id))
    assert row.actor.startswith("admin")
    after = json.loads(row.after)
    assert after["username"] == "xiaoli" and after["password_hash"] == "***"
    assert "s3cret-pass" not in (row.after or "")
    roles = [json.loads(r.after) for r in _rows("user_role") if r.action == "create"]
    assert {"role": "agent", "user_id": created.id} in [
        {"role": r["role"], "user_id": r["user_id"]} for r in roles]


def test_edit_records_only_what_changed_with_before_and_after(client, login, make_user):
    login("admin")
    target = make_user("agent", username="wang")
    submit(client, f"/admin/users/{target.id}", {
        "username": "wang", "display_name": "王师傅", "password": "",
        "roles": ["agent", "teamlead"], "department_id": "0", "locale": "en", "active": "y",
    })
    update = next(r for r in _rows("user_account") if r.action == "update")
    assert json.loads(update.before) == {"display_name": "测试", "locale": None}
    assert json.loads(update.after) == {"display_name": "王师傅", "locale": "en"}
    assert any(json.loads(r.after or "{}").get("role") == "teamlead" for r in _rows("user_role"))


def test_password_change_is_logged_without_the_hash(client, login, make_user):
    login("admin")
    target = make_user("agent", username="zhao")
    submit(client, f"/admin/users/{target.id}", {
        "username": "zhao", "display_name": "测试", "password": "brand-new-pass",
        "roles": ["agent"], "department_id": "0", "locale": "zh_CN", "active": "y",
    })
    update = next(r for r in _rows("user_account") if r.action == "update")
    assert json.loads(update.before)["password_hash"] == "***"
    assert json.loads(update.after)["password_hash"] == "***"
    assert "brand-new-pass" not in update.after


def test_changes_outside_requests_name_the_cli_actor(app):
    with acting_as("cli:root"):
        db.session.add(Customer(name="李四", phone="13900000000"))
        db.session.commit()
    row = _rows("customer")[0]
    assert row.actor == "cli:root" and row.action == "create"
    assert json.loads(row.after)["name"] == "李四"


def test_delete_is_recorded_with_the_values_before(app):
    customer = Customer(name="临时", phone="1")
    db.session.add(customer)
    db.session.commit()
    db.session.delete(customer)
    db.session.commit()
    deleted = [r for r in _rows("customer") if r.action == "delete"]
    assert len(deleted) == 1 and json.loads(deleted[0].before)["name"] == "临时"


def test_login_and_logout_are_in_the_trail(client, login):
    login("agent")
    submit(client, "/auth/logout", {}, page="/")
    actions = [r.action for r in _rows("user_account")]
    assert "login" in actions and "logout" in actions


def test_audit_page_shows_changes_to_admins_only(client, login, make_user):
    make_user("agent", username="visible-in-trail")
    login("admin")
    page = client.get("/admin/audit?object_type=user_account")
    assert page.status_code == 200
    assert "visible-in-trail" in page.get_data(as_text=True)


def test_audit_page_is_refused_to_managers(client, login):
    login("manager")
    assert client.get("/admin/audit").status_code == 403


def test_duplicate_username_is_a_form_error_and_nothing_is_lost(client, login, make_user):
    login("admin")
    make_user("agent", username="taken")
    response = submit(client, "/admin/users/new", {
        "username": "taken", "password": "whatever-123", "roles": ["qa"],
        "department_id": "0", "locale": "zh_CN",
    })
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "This username is taken" in body or "用户名已被占用" in body
    assert db.session.scalar(select(User).where(User.username == "taken")).roles == {"agent"}
