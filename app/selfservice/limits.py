"""Rate limits of the public pages (flask-limiter), per IP address: submitting a form and
looking up an order. The limits are settings read at each request
(``SELFSERVICE_SUBMIT_LIMIT``, ``SELFSERVICE_STATUS_LIMIT``); the counts live where
``RATELIMIT_STORAGE_URI`` says (``memory://`` for one process, ``redis://…`` shared by
several workers).

One limiter serves every app of the process, as flask-limiter's factory pattern has it:
each app's ``init_app`` gives it that app's storage (so each test app counts afresh)."""
from __future__ import annotations

from flask import Flask, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(key_func=get_remote_address)


def submit_limit() -> str:
    return str(current_app.config["SELFSERVICE_SUBMIT_LIMIT"])


def status_limit() -> str:
    return str(current_app.config["SELFSERVICE_STATUS_LIMIT"])


def install(app: Flask) -> None:
    limiter.init_app(app)
