"""A citizen's browser on the public pages, and the forms it sends."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from app.testing import submit

GOOD = {"name": "李先生", "phone": "138 0013 8000", "text": "快递员没有送货上门，直接放在门口，包裹丢了。"}


@pytest.fixture
def citizen(app) -> FlaskClient:
    """A browser that has never logged in to anything."""
    return app.test_client()


@pytest.fixture
def send(citizen) -> Callable[..., TestResponse]:
    """``send(kind="complaint", **fields)`` → the response to posting the public form, after
    opening it for its CSRF token, with :data:`GOOD` for the fields not given."""

    def post(kind: str = "complaint", client: FlaskClient | None = None, **fields: Any) -> TestResponse:
        return submit(client or citizen, f"/public/submit/{kind}", {**GOOD, **fields})

    return post


@pytest.fixture
def good() -> dict[str, str]:
    """The fields of a form a citizen filled in correctly."""
    return dict(GOOD)
