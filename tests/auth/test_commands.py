"""``postline users set-password|set-roles|disable|enable``: the way back in from the
command line, audited as ``cli:<login>``, and keeping the last administrator. (The one-line
usage errors of the real console script are checked in tests/commands/test_cli.py.)"""
from __future__ import annotations

import json

from sqlalchemy import select

from app.audit.models import AuditLog
from app.auth.models import User
from app.extensions import db
from app.testing import submit
from app.testing.pytest_plugin import TEST_PASSWORD

NEW_PASSWORD = "a fresh start 2026"


def _run(app, *args, input=None):
    result = app.test_cli_runner().invoke(args=["users", *args], input=input)
    db.session.expire_all()
    return result


def _audit(user: User) -> list[AuditLog]:
    return db.session.scalars(select(AuditLog).where(
        AuditLog.object_type == "user_account", AuditLog.object_id == str(user.id),
        AuditLog.action == "update").order_by(AuditLog.id)).all()


def _logged_in(app, user, password=TEST_PASSWORD):
    client = app.test_client()
    assert submit(client, "/auth/login", {"username": user.username, "password": password}).status_code == 302
    return client


def test_set_password_from_the_prompt_asks_twice_and_ends_sessions(app, make_user):
    user = make_user("admin")
    browser = _logged_in(app, user)
    result = _run(app, "set-password", user.username, input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert NEW_PASSWORD not in result.output
    assert user.check_password(NEW_PASSWORD)
    assert browser.get("/").status_code == 302  # the old session ended
    [row] = _audit(user)
    assert row.actor.startswith("cli:") and json.loads(row.after)["password_hash"] == "***"


def test_set_password_refuses_a_mistyped_confirmation(app, make_user):
    user = make_user("agent")
    result = _run(app, "set-password", user.username,
                  input=f"{NEW_PASSWORD}\nsomething else\n{NEW_PASSWORD}\n{NEW_PASSWORD}\n")
    assert result.exit_code == 0 and "do not match" in result.output.lower()
    assert user.check_password(NEW_PASSWORD)


def test_set_password_from_stdin(app, make_user):
    user = make_user("agent")
    result = _run(app, "set-password", user.username, "--password-stdin", input=NEW_PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert user.check_password(NEW_PASSWORD) and not user.check_password(TEST_PASSWORD)


def test_set_password_refuses_a_short_one_and_an_unknown_user(app, make_user):
    user = make_user("agent")
    short = _run(app, "set-password", user.username, "--password-stdin", input="short\n")
    unknown = _run(app, "set-password", "nobody", "--password-stdin", input=NEW_PASSWORD + "\n")
    assert (short.exit_code, unknown.exit_code) == (2, 2)
    assert "at least 8 characters" in short.output and "no user named nobody" in unknown.output
    assert user.check_password(TEST_PASSWORD)


def test_set_roles_replaces_the_roles_and_is_audited(app, make_user):
    user = make_user("agent")
    result = _run(app, "set-roles", user.username, "teamlead", "qa")
    assert result.exit_code == 0, result.output
    assert db.session.get(User, user.id).roles == {"teamlead", "qa"}
    assert any(row.actor.startswith("cli:") for row in db.session.scalars(
        select(AuditLog).where(AuditLog.object_type == "user_role")))


def test_set_roles_rejects_unknown_roles_and_none(app, make_user):
    user = make_user("agent")
    unknown = _run(app, "set-roles", user.username, "boss")
    none = _run(app, "set-roles", user.username)
    assert (unknown.exit_code, none.exit_code) == (2, 2)
    assert "'boss' is not one of" in unknown.output and "at least one role" in none.output
    assert db.session.get(User, user.id).roles == {"agent"}


def test_the_last_administrator_keeps_the_role_and_stays_enabled(app, make_user):
    admin = make_user("admin")
    demoted = _run(app, "set-roles", admin.username, "manager")
    disabled = _run(app, "disable", admin.username)
    assert (demoted.exit_code, disabled.exit_code) == (2, 2)
    assert "last active administrator" in demoted.output and "last active administrator" in disabled.output
    admin = db.session.get(User, admin.id)
    assert admin.roles == {"admin"} and admin.active


def test_disable_ends_the_sessions_and_enable_lets_the_user_log_in_again(app, make_user):
    make_user("admin")
    user = make_user("agent")
    browser = _logged_in(app, user)
    assert _run(app, "disable", user.username).exit_code == 0
    assert browser.get("/").status_code == 302
    assert not db.session.get(User, user.id).active
    assert _run(app, "enable", user.username).exit_code == 0
    assert browser.get("/").status_code == 302  # enabling does not revive the old session
    _logged_in(app, user)
    assert [json.loads(row.after)["active"] for row in _audit(user)] == [False, True]
