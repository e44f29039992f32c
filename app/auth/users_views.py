"""The administrator's pages for staff accounts (``/admin/users``)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug import Response
from wtforms.fields.choices import SelectChoice

from app.audit.editing import changed_since, claim, seen_version
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
    if form.validate_on_submit():
        clash = db.session.scalar(select(User).where(User.username == form.username.data))
        if clash is not None and clash is not user:
            form.username.errors.append(_("This username is taken."))
        elif user is None and not form.password.data:
            form.password.errors.append(_("A new user needs a password."))
        elif user is not None and not claim(user, seen_version(form.row_version.data, user),
                                            current_user.username):
            form.username.errors.append(changed_since(user))
        else:
            if user is None:
                user = User(username=form.username.data)
                db.session.add(user)
            user.username = form.username.data
            user.display_name = form.display_name.data or ""
            user.locale = form.locale.data
            user.active = form.active.data
            user.department_id = form.department_id.data or None
            user.set_roles(form.roles.data)
            if form.password.data:
                user.set_password(form.password.data)
            db.session.commit()
            flash(_("User %(name)s saved.", name=user.username), "info")
            return redirect(url_for("users.index"))
    return render_template("auth/user_edit.html", form=form, user=user)
