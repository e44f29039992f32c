"""Test helpers for PostLine and for plugin authors (the fixtures live in
:mod:`app.testing.pytest_plugin`, registered through the ``pytest11`` entry point)."""
from __future__ import annotations

import re

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

CSRF_FIELD = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def csrf_token_from(html: str) -> str:
    match = CSRF_FIELD.search(html)
    if not match:
        raise AssertionError("the page has no CSRF token field")
    return match.group(1) or match.group(2)


def submit(client: FlaskClient, url: str, data: dict, page: str | None = None, **kwargs) -> TestResponse:
    """Post a form the way a browser does: open the page, take its CSRF token, submit."""
    html = client.get(page or url).get_data(as_text=True)
    return client.post(url, data={**data, "csrf_token": csrf_token_from(html)}, **kwargs)
