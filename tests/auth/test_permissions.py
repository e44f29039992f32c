"""No page is reachable without the right permission: the test walks every endpoint the
app registers (core and every plugin found) as anonymous, as a user without roles, and as
each role, and compares what happens with what the permission registry says."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from flask import Flask, url_for
from werkzeug.routing import IntegerConverter

from app import create_app
from app.auth.permissions import has_permission, view_requirement
from app.auth.roles import ROLES
from app.testing import submit
from app.testing.pytest_plugin import TEST_PASSWORD, all_plugin_names, base_config, empty_tables


@pytest.fixture
def walk_app(postline_database: str) -> Flask:
    config = base_config(postline_database, all_plugin_names())
    config["WTF_CSRF_ENABLED"] = False  # the gate under test here is the permission check
    return create_app(config)


def _requests(app: Flask) -> list[tuple[str, str, str]]:
    """(endpoint, method, url) for every rule but static files."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or rule.endpoint.endswith(".static"):
            continue
        values = {arg: 1 if isinstance(rule._converters[arg], IntegerConverter) else "x"
                  for arg in rule.arguments}
        with app.test_request_context():
            url = url_for(rule.endpoint, **values)
        method = "GET" if "GET" in rule.methods else "POST"
        found.append((rule.endpoint, method, url))
    return found


def _session_of(client, username: str) -> dict:
    submit(client, "/auth/login", {"username": username, "password": TEST_PASSWORD})
    with client.session_transaction() as session:
        return dict(session)


def _is_login_redirect(response) -> bool:
    """The gate's answer to an anonymous request: the login page with ``next`` set (a
    plain redirect to the login page is what a successful logout answers)."""
    location = response.headers.get("Location", "")
    return response.status_code == 302 and "/auth/login?next=" in location


def test_every_view_declares_a_known_permission(walk_app):
    from app.auth.permissions import permissions

    with walk_app.app_context():
        known = permissions()
    for endpoint, _method, _url in _requests(walk_app):
        need = view_requirement(walk_app, endpoint)
        assert need == "public" or need in known, f"{endpoint} requires {need!r}"


def test_anonymous_reaches_only_public_views(walk_app):
    client = walk_app.test_client()
    for endpoint, method, url in _requests(walk_app):
        response = client.open(url, method=method)
        if view_requirement(walk_app, endpoint) == "public":
            assert not _is_login_redirect(response) and response.status_code != 403, endpoint
        else:
            assert _is_login_redirect(response), f"{method} {url} answered {response.status_code}"


@pytest.mark.parametrize("roles", [()] + [(role,) for role in ROLES], ids=lambda r: "-".join(r) or "no-role")
def test_each_role_reaches_exactly_what_its_permissions_allow(walk_app, roles):
    from app.auth.models import User
    from app.extensions import db

    username = "walker-" + ("-".join(roles) or "none")
    with walk_app.app_context():
        user = User(username=username, display_name="walker")
        user.set_password(TEST_PASSWORD)
        user.set_roles(set(roles))
        db.session.add(user)
        db.session.commit()
    holder = SimpleNamespace(is_authenticated=True, roles=set(roles))
    try:
        client = walk_app.test_client()
        logged_in = _session_of(client, username)
        assert "_user_id" in logged_in
        checked = 0
        for endpoint, method, url in _requests(walk_app):
            with client.session_transaction() as session:  # some views log out or switch language
                session.clear()
                session.update(logged_in)
            need = view_requirement(walk_app, endpoint)
            response = client.open(url, method=method)
            with walk_app.app_context():
                allowed = need == "public" or has_permission(holder, need)
            if allowed:
                assert response.status_code != 403 and not _is_login_redirect(response), \
                    f"{roles} should reach {method} {url} ({need}), got {response.status_code}"
            else:
                assert response.status_code == 403, \
                    f"{roles} must not reach {method} {url} ({need}), got {response.status_code}"
            if endpoint == "auth.logout":  # it ended every session of the user: log in again
                logged_in = _session_of(client, username)
            checked += 1
        assert checked > 10
    finally:
        with walk_app.app_context():
            db.session.remove()
            empty_tables(db)


def test_admin_holds_every_permission(walk_app):
    from app.auth.permissions import permissions

    admin = SimpleNamespace(is_authenticated=True, roles={"admin"})
    with walk_app.app_context():
        names = list(permissions())
        assert len(names) > 5
        assert all(has_permission(admin, name) for name in names)
