"""Logging in and out."""
from __future__ import annotations

import unicodedata
from urllib.parse import unquote, urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select
from werkzeug import Response

from app.audit.listener import record
from app.auth import lockout
from app.auth.forms import LoginForm
from app.auth.login import end_sessions_of
from app.auth.models import User
from app.auth.passwords import password_matches
from app.auth.permissions import permission_required, public
from app.extensions import db

bp = Blueprint("auth", __name__, url_prefix="/auth", template_folder="templates")


@bp.route("/login", methods=["GET", "POST"])
@public
def login() -> str | Response:
    form = LoginForm()
    if form.validate_on_submit():
        username = form.username.data.strip()
        ip = request.remote_addr or ""
        if lockout.is_locked(username):
            # Not counted as a further failure: that would let an attacker keep a
            # colleague locked out for ever. The audit trail still shows it.
            record("login_refused_locked", "user_account", username)
            db.session.commit()
            form.username.errors.append(
                _("Too many failed logins: this account is locked for 15 minutes."))
            return render_template("auth/login.html", form=form), 429
        user = db.session.scalar(select(User).where(User.username == username))
        # One hash check whatever the name: an unknown name answers no faster.
        if not password_matches(user.password_hash if user else None, form.password.data):
            lockout.remember(username, False, ip)
            form.password.errors.append(_("Wrong username or password."))
            return render_template("auth/login.html", form=form), 200
        if not user.active:
            # Said only to whoever knows the password: a guesser learns nothing of the state.
            lockout.remember(username, False, ip)
            form.username.errors.append(
                _("This account is disabled: ask an administrator to enable it."))
            return render_template("auth/login.html", form=form), 200
        session.clear()  # a fresh session on login: no fixation
        login_user(user)
        lockout.remember(username, True, ip)
        record("login", "user_account", str(user.id))
        db.session.commit()
        return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


def _safe_next(target: str | None) -> str:
    """Only same-site paths: ``next`` must not send a freshly logged-in agent elsewhere.
    Browsers drop tabs and line breaks from a URL and read ``\\`` as ``/``, so
    ``/<tab>/evil.com`` would be ``//evil.com`` to them: a target with any of these, or one
    that names a scheme or host, also once more percent-decoded, goes to the home page."""
    if target and _is_local_path(target) and _is_local_path(unquote(target)):
        return target
    return url_for("main.index")


def _is_local_path(target: str) -> bool:
    if "\\" in target or any(unicodedata.category(ch)[0] in "CZ" and ch != " " for ch in target):
        return False
    if target != target.strip() or not target.startswith("/") or target.startswith("//"):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


@bp.route("/logout", methods=["POST"])
@permission_required("core.home")
def logout() -> Response:
    # Every session of the user ends, not only this browser's: a copied cookie is void too.
    end_sessions_of(current_user.id)
    record("logout", "user_account", str(current_user.id))
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))
