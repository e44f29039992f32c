"""Sessions: Flask-Login on the app, loading only active users whose session is current.

A session names the user as ``"<id>:<session_version>"`` (:meth:`User.get_id`). Logging
out, a new password and disabling the account raise the version, so every session and
remember-me cookie made before is refused, even one copied to another browser."""
from __future__ import annotations

from flask import Flask
from sqlalchemy import update

from app.auth.models import User
from app.extensions import db, login_manager


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    login_manager.session_protection = "strong"
    login_manager.user_loader(load_user)


def load_user(session_id: str) -> User | None:
    user_id, _, version = session_id.partition(":")
    if not (user_id.isdigit() and version.isdigit()):
        return None  # a session from before session versions, or a forged one
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


def end_sessions_of(user_id: int) -> None:
    """Raise the user's session version in the database (one statement, so that two
    logouts at once both count), without an audit row of its own: the caller records why."""
    db.session.execute(
        update(User).where(User.id == user_id)
        .values(session_version=User.session_version + 1)
        .execution_options(synchronize_session=False)
    )
