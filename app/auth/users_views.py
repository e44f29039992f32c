"""The administrator's pages for staff accounts (``/admin/users``)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user
from sqlalchemy import select
from werkzeug import Response
from wtforms.fields.choices import SelectChoice

from app.audit.editing import changed_since, claim, seen_version
from app.auth.admins import would_leave_no_admin
from app.auth.forms import UserForm
from app.auth.models import Department, User
from app.auth.permissions import permission_required
from app.extensions import db

bp = Blueprint("users", __name__, url_prefix="/admin/users", template_folder="templates")


@bp.route("")
@permission_required("admin.users")
def index() -> str:
    rows = db.session.scalars(select(User).order_by(User.username)).all()
    return render_template("auth/users.html", users=rows)


@bp.route("/new", methods=["GET", "POST"])
@bp.route("/<int:user_id>", methods=["GET", "POST"])
@permission_required("admin.users")
def edit(user_id: int | None = None) -> str | Response:
    user = db.session.get(User, user_id) if user_id else None
    if user_id and user is None:
        abort(404)
    form = UserForm(obj=user, roles=sorted(user.roles) if user else [])
    form.department_id.choices = [SelectChoice("0", "—")] + [
        SelectChoice(str(d.id), d.name)
        for d in db.session.scalars(select(Department).order_by(Department.code))
    ]
    if request.method == "GET" and user:
        form.department_id.data = user.department_id or 0
    if form.is_submitted():
        valid = form.validate()
        valid = _account_rules_hold(form, user) and valid  # every error shown at once
        if valid and user is not None and not claim(
                user, seen_version(form.row_version.data, user), current_user.username):
            form.username.errors.append(changed_since(user))
            valid = False
        if valid:
            if user is None:
                user = User(username=form.username.data)
                db.session.add(user)
            user.username = form.username.data
            user.display_name = form.display_name.data or ""
            user.locale = form.locale.data
            user.active = form.active.data
            user.department_id = form.department_id.data or None
            user.phone = (form.phone.data or "").strip()
            user.email = (form.email.data or "").strip()
            user.set_roles(form.roles.data)
            if form.password.data:
                user.set_password(form.password.data)
            db.session.commit()
            if form.password.data and user.id == current_user.id:
                login_user(user)  # the new password ended this session too: a fresh one
            flash(_("User %(name)s saved.", name=user.username), "info")
            return redirect(url_for("users.index"))
    return render_template("auth/user_edit.html", form=form, user=user)


def _account_rules_hold(form: UserForm, user: User | None) -> bool:
    """The rules that need the database, each reported on its own field."""
    ok = True
    if form.username.data:
        clash = db.session.scalar(select(User).where(User.username == form.username.data))
        if clash is not None and clash is not user:
            form.username.errors.append(_("This username is taken."))
            ok = False
    if user is None and not form.password.data:
        form.password.errors.append(_("A new user needs a password."))
        ok = False
    if user is not None and would_leave_no_admin(user, form.roles.data or [], form.active.data):
        field = form.roles if "admin" not in (form.roles.data or []) else form.active
        field.errors.append(_("This is the last active administrator: the site needs one."))
        ok = False
    return ok
