"""A session ends for good: after logging out, a new password or disabling the account, a
copy of the old session cookie opens nothing, in any browser."""
from __future__ import annotations

from app.auth.login import load_user
from app.auth.models import User
from app.extensions import db
from app.testing import submit
from app.testing.pytest_plugin import TEST_PASSWORD

HOST = "postline.test"
NEW_PASSWORD = "a brand new password"


def _logged_in(app, user: User, password: str = TEST_PASSWORD):
    client = app.test_client()
    response = submit(client, "/auth/login", {"username": user.username, "password": password})
    assert response.status_code == 302
    return client


def _cookie(client) -> str:
    return client.get_cookie("session", domain=HOST).value


def _replayed(app, cookie: str):
    """A fresh browser holding a copy of ``cookie``."""
    thief = app.test_client()
    thief.set_cookie("session", cookie, domain=HOST)
    return thief


def _sent_to_login(response) -> bool:
    return response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_a_copied_session_cookie_opens_pages_while_the_session_lasts(app, make_user):
    admin = _logged_in(app, make_user("admin"))
    assert _replayed(app, _cookie(admin)).get("/admin/users").status_code == 200


def test_a_session_cookie_kept_from_before_logout_opens_nothing(app, make_user):
    admin = _logged_in(app, make_user("admin"))
    saved = _cookie(admin)
    submit(admin, "/auth/logout", {}, page="/")
    assert _sent_to_login(_replayed(app, saved).get("/admin/users"))


def test_logout_ends_the_users_sessions_in_other_browsers_too(app, make_user):
    user = make_user("agent")
    office, home = _logged_in(app, user), _logged_in(app, user)
    submit(office, "/auth/logout", {}, page="/")
    assert _sent_to_login(home.get("/"))


def test_a_password_reset_by_the_administrator_ends_the_users_sessions(app, make_user):
    admin = _logged_in(app, make_user("admin"))
    user = make_user("admin")
    saved = _cookie(_logged_in(app, user))
    response = submit(admin, f"/admin/users/{user.id}", {
        "username": user.username, "password": NEW_PASSWORD, "roles": ["admin"],
        "department_id": "0", "locale": "zh_CN", "active": "y"})
    assert response.status_code == 302, response.get_data(as_text=True)
    assert _sent_to_login(_replayed(app, saved).get("/admin/users"))
    assert _logged_in(app, user, NEW_PASSWORD).get("/admin/users").status_code == 200


def test_disabling_an_account_ends_its_sessions_even_once_enabled_again(app, make_user):
    user = make_user("agent")
    saved = _cookie(_logged_in(app, user))
    user.active = False
    db.session.commit()
    user.active = True
    db.session.commit()
    assert _sent_to_login(_replayed(app, saved).get("/"))


def test_an_administrator_who_changes_their_own_password_stays_logged_in(app, make_user):
    me = make_user("admin")
    client = _logged_in(app, me)
    response = submit(client, f"/admin/users/{me.id}", {
        "username": me.username, "password": NEW_PASSWORD, "roles": ["admin"],
        "department_id": "0", "locale": "zh_CN", "active": "y"})
    assert response.status_code == 302
    assert client.get("/admin/users").status_code == 200


def test_a_session_from_before_session_versions_is_refused(app, client, make_user):
    user = make_user("agent")
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)  # what sessions held before the upgrade
        session["_fresh"] = True
    assert _sent_to_login(client.get("/"))


def test_a_remember_me_cookie_names_the_version_and_is_refused_once_it_is_raised(app, make_user):
    """Flask-Login signs ``get_id()`` into its remember-me cookie and loads the user from it
    with the same loader as sessions."""
    user = make_user("agent")
    remembered = user.get_id()
    assert load_user(remembered) == user
    user.set_password(NEW_PASSWORD)
    db.session.commit()
    assert load_user(remembered) is None and load_user(user.get_id()) == user
