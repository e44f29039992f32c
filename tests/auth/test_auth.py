"""Staff log in with a password that is stored hashed; guessing is stopped by a lockout;
every form needs its CSRF token; the session cookie cannot be read by scripts."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from app.auth import passwords
from app.auth.models import LoginAttempt, User
from app.extensions import db
from app.testing import submit
from app.testing.pytest_plugin import TEST_PASSWORD


def _login(client, username, password):
    return submit(client, "/auth/login", {"username": username, "password": password})


def test_login_with_right_password_opens_the_desk(client, make_user):
    user = make_user("agent")
    response = _login(client, user.username, TEST_PASSWORD)
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_wrong_password_is_refused_with_a_message(client, make_user):
    user = make_user("agent")
    response = _login(client, user.username, "not the password")
    assert response.status_code == 200
    assert "Wrong username or password" in response.get_data(as_text=True) or \
        "用户名或密码错误" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302  # still anonymous: sent to the login page


def test_password_is_stored_hashed(make_user):
    user = make_user("agent")
    stored = db.session.scalar(select(User.password_hash).where(User.id == user.id))
    assert TEST_PASSWORD not in stored
    assert user.check_password(TEST_PASSWORD) and not user.check_password(TEST_PASSWORD + "x")


def test_five_failures_lock_the_account_even_for_the_right_password(app, client, make_user):
    user = make_user("agent")
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert _login(client, user.username, "guess").status_code == 200
    response = _login(client, user.username, TEST_PASSWORD)
    assert response.status_code == 429
    assert client.get("/").status_code == 302


def test_lock_ends_when_the_failures_leave_the_window(app, client, make_user):
    user = make_user("agent")
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        _login(client, user.username, "guess")
    old = app.config["LOGIN_FAILURE_WINDOW"] + timedelta(seconds=1)
    db.session.execute(
        update(LoginAttempt).where(LoginAttempt.username == user.username)
        .values(at=LoginAttempt.at - old)
    )
    db.session.commit()
    assert _login(client, user.username, TEST_PASSWORD).status_code == 302


def test_attempts_while_locked_do_not_extend_the_lock(app, client, make_user):
    user = make_user("agent")
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        _login(client, user.username, "guess")
    _login(client, user.username, "another guess")  # refused: locked
    failures = db.session.scalars(
        select(LoginAttempt).where(LoginAttempt.username == user.username)
    ).all()
    assert len(failures) == app.config["LOGIN_MAX_FAILURES"]


def test_four_failures_then_success_resets_the_count(app, client, make_user):
    user = make_user("agent")
    for _ in range(app.config["LOGIN_MAX_FAILURES"] - 1):
        _login(client, user.username, "guess")
    assert _login(client, user.username, TEST_PASSWORD).status_code == 302
    submit(client, "/auth/logout", {}, page="/")
    for _ in range(app.config["LOGIN_MAX_FAILURES"] - 1):
        _login(client, user.username, "guess")
    assert _login(client, user.username, TEST_PASSWORD).status_code == 302


def test_disabled_user_cannot_log_in(client, make_user):
    user = make_user("agent")
    user.active = False
    db.session.commit()
    assert _login(client, user.username, TEST_PASSWORD).status_code == 200
    assert client.get("/").status_code == 302


def test_disabled_user_is_told_so_only_after_giving_the_right_password(client, make_user):
    user = make_user("agent")
    user.active = False
    db.session.commit()
    guessed = _login(client, user.username, "a guess").get_data(as_text=True)
    assert "用户名或密码错误" in guessed and "停用" not in guessed
    right = _login(client, user.username, TEST_PASSWORD).get_data(as_text=True)
    assert "此账号已停用" in right and "用户名或密码错误" not in right


@pytest.fixture
def hash_checks(monkeypatch):
    """The password hashes checked: a spy on werkzeug's function, not on our database."""
    checked = []
    real = passwords.check_password_hash

    def spy(pwhash, password):
        checked.append(pwhash)
        return real(pwhash, password)

    monkeypatch.setattr(passwords, "check_password_hash", spy)
    return checked


def test_an_unknown_name_costs_a_hash_check_like_a_known_one(client, make_user, hash_checks):
    user = make_user("agent")
    _login(client, user.username, "a guess")
    _login(client, "nobody-by-this-name", "a guess")
    assert len(hash_checks) == 2
    known, unknown = hash_checks
    assert unknown != known and unknown.split("$")[0] == known.split("$")[0]  # same method


def test_a_disabled_account_costs_a_hash_check_too(client, make_user, hash_checks):
    user = make_user("agent")
    user.active = False
    db.session.commit()
    _login(client, user.username, "a guess")
    assert hash_checks == [user.password_hash]


def test_form_without_csrf_token_is_rejected(client, make_user):
    user = make_user("agent")
    response = client.post("/auth/login", data={"username": user.username, "password": TEST_PASSWORD})
    assert response.status_code == 302  # back to the form with a message, not logged in
    assert client.get("/").status_code == 302


def test_logout_needs_post_with_token(client, login):
    login("agent")
    assert client.get("/auth/logout").status_code == 405
    assert client.post("/auth/logout").status_code == 302  # refused: no token
    assert client.get("/").status_code == 200  # still logged in
    submit(client, "/auth/logout", {}, page="/")
    assert client.get("/").status_code == 302


def test_session_cookie_is_httponly_and_samesite(client, make_user):
    user = make_user("agent")
    response = _login(client, user.username, TEST_PASSWORD)
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_next_only_redirects_within_the_site(client, make_user):
    user = make_user("agent")
    html = client.get("/auth/login").get_data(as_text=True)
    from app.testing import csrf_token_from

    data = {"username": user.username, "password": TEST_PASSWORD, "csrf_token": csrf_token_from(html)}
    response = client.post("/auth/login?next=//evil.example/x", data=data)
    assert response.headers["Location"] in ("/", "http://postline.test/")


@pytest.mark.parametrize("target", [
    "/%09/evil.example",  # browsers drop the tab: //evil.example
    "/%0d%0a/evil.example",  # a line break, once a 500
    "%09//evil.example",
    "/%5Cevil.example",  # browsers read \\ as /
    "/%252F%252Fevil.example",  # //evil.example once decoded again
    "%20//evil.example",
    "https://evil.example/",
    "https:/evil.example",
    "javascript:alert(1)",
    "/%E2%80%8B/evil.example",  # a zero-width space
    "evil.example",
])
def test_next_never_leaves_the_site_whatever_the_encoding(client, make_user, target):
    user = make_user("agent")
    from app.testing import csrf_token_from

    html = client.get("/auth/login").get_data(as_text=True)
    data = {"username": user.username, "password": TEST_PASSWORD, "csrf_token": csrf_token_from(html)}
    response = client.post(f"/auth/login?next={target}", data=data)
    assert response.status_code == 302
    assert response.headers["Location"] in ("/", "http://postline.test/")


def test_next_keeps_a_same_site_path_with_its_query(client, make_user):
    user = make_user("agent")
    from app.testing import csrf_token_from

    html = client.get("/auth/login").get_data(as_text=True)
    data = {"username": user.username, "password": TEST_PASSWORD, "csrf_token": csrf_token_from(html)}
    response = client.post("/auth/login?next=/customers/%3Fq%3D%25E5%25BC%25A0", data=data)
    assert response.headers["Location"] == "/customers/?q=%E5%BC%A0"


def test_login_redirects_back_to_the_page_asked_for(client, make_user):
    user = make_user("agent")
    first = client.get("/customers/")
    assert first.status_code == 302 and "/auth/login" in first.headers["Location"]
    html = client.get(first.headers["Location"]).get_data(as_text=True)
    from app.testing import csrf_token_from

    response = client.post(first.headers["Location"], data={
        "username": user.username, "password": TEST_PASSWORD, "csrf_token": csrf_token_from(html)})
    assert response.headers["Location"].endswith("/customers/")
