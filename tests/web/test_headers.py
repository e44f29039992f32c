"""Every response carries the security headers (pages cannot be framed, no script but the
site's own runs), and no template has inline script the policy would block."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import abort

from app import create_app
from app.auth.permissions import public

ROOT = Path(__file__).resolve().parents[2]
EXPECTED = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
CSP_PARTS = {"default-src 'self'", "frame-ancestors 'none'", "object-src 'none'",
             "base-uri 'self'", "form-action 'self'"}


def _assert_secured(response) -> None:
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, (response.request.path, name)
    policy = {part.strip() for part in response.headers["Content-Security-Policy"].split(";")}
    assert policy == CSP_PARTS, response.request.path
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]


def test_pages_of_every_kind_carry_the_security_headers(client, login):
    responses = [
        client.get("/auth/login"),  # public page
        client.get("/"),  # redirect to the login page
        client.get("/static/postline.css"),  # static file
        client.get("/healthz"),  # JSON
        client.get("/no/such/page"),  # 404 page
        client.delete("/auth/login"),  # 405
    ]
    login("agent")
    responses += [client.get("/"), client.get("/admin/users")]  # desk, 403 page
    assert [r.status_code for r in responses] == [200, 302, 200, 200, 404, 405, 200, 403]
    for response in responses:
        _assert_secured(response)


def test_an_unexpected_error_page_carries_them_too(app_config):
    app = create_app({**app_config, "TESTING": False, "PROPAGATE_EXCEPTIONS": False})

    @app.route("/boom")
    @public
    def boom():
        raise RuntimeError("broken on purpose")

    @app.route("/teapot")
    @public
    def teapot():
        abort(418)

    client = app.test_client()
    for url, code in (("/boom", 500), ("/teapot", 418)):
        response = client.get(url)
        assert response.status_code == code
        _assert_secured(response)


def test_hsts_only_when_the_site_is_served_over_https(client, app_config):
    assert "Strict-Transport-Security" not in client.get("/auth/login").headers
    secure = create_app({**app_config, "SESSION_COOKIE_SECURE": True})
    response = secure.test_client().get("/auth/login")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_https_is_not_forced_on_plain_http_installs(client):
    response = client.get("/auth/login", base_url="http://postline.test")
    assert response.status_code == 200


TEMPLATES = sorted(
    path for folder in ("app", "plugins") for path in (ROOT / folder).rglob("*.html")
)
INLINE = {
    # a JSON data block (a chart's numbers) is data the browser never runs: CSP allows it
    "inline script": re.compile(r"<script(?![^>]*\b(?:src=|type=\"application/json\"))[^>]*>", re.I),
    "event handler attribute": re.compile(r"<[^>]+\son[a-z]+\s*=", re.I),
    "style attribute": re.compile(r"<[^>]+\sstyle\s*=", re.I),
    "style element": re.compile(r"<style\b", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
}


def test_templates_are_found():
    assert len(TEMPLATES) > 10 and any(p.name == "base.html" for p in TEMPLATES)


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_template_has_what_the_content_security_policy_blocks(path):
    html = path.read_text(encoding="utf-8")
    found = [what for what, pattern in INLINE.items() if pattern.search(html)]
    assert not found, f"{path.relative_to(ROOT)}: {found}"
