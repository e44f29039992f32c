"""Login lockout: after LOGIN_MAX_FAILURES failures within LOGIN_FAILURE_WINDOW an account
is refused until the oldest of those failures leaves the window. Counted per username, so
an attacker cannot spread guesses over many source addresses."""
from __future__ import annotations

from flask import current_app
from sqlalchemy import func, select

from app.auth.models import LoginAttempt
from app.extensions import db
from app.timeutil import utcnow


def is_locked(username: str) -> bool:
    window_start = utcnow() - current_app.config["LOGIN_FAILURE_WINDOW"]
    last_success = db.session.scalar(
        select(func.max(LoginAttempt.at)).where(
            LoginAttempt.username == username, LoginAttempt.success.is_(True)
        )
    )
    since = max(window_start, last_success) if last_success else window_start
    failures = db.session.scalar(
        select(func.count()).select_from(LoginAttempt).where(
            LoginAttempt.username == username,
            LoginAttempt.success.is_(False),
            LoginAttempt.at > since,
        )
    )
    return failures >= current_app.config["LOGIN_MAX_FAILURES"]


def remember(username: str, success: bool, ip: str) -> None:
    db.session.add(LoginAttempt(username=username, success=success, ip=ip))
    db.session.commit()
