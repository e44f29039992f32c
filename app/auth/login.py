"""Sessions: Flask-Login on the app, loading only active users."""
from __future__ import annotations

from flask import Flask

from app.auth.models import User
from app.extensions import db, login_manager


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    login_manager.session_protection = "strong"
    login_manager.user_loader(load_user)


def load_user(user_id: str) -> User | None:
    user = db.session.get(User, int(user_id))
    return user if user and user.active else None
