from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice
from werkzeug import Response

from app.admin.settings_form import settings_form
from app.audit.models import AuditLog
from app.auth.forms import UserForm
from app.auth.models import User
from app.auth.permissions import permission_required
from app.extensions import db
from app.plugin_loader import registry
from app.plugin_settings import all_settings, declared, set_settings
from app.tickets.models import Department

bp = Blueprint("admin", __name__, url_prefix="/admin")

AUDIT_PAGE_SIZE = 50


@bp.route("/users")
@permission_required("admin.users")
def users() -> str:
    rows = db.session.scalars(select(User).order_by(User.username)).all()
    return render_template("admin/users.html", users=rows)


@bp.route("/users/new", methods=["GET", "POST"])
@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@permission_required("admin.users")
def user_edit(user_id: int | None = None) -> str | Response:
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
            return redirect(url_for("admin.users"))
    return render_template("admin/user_edit.html", form=form, user=user)


@bp.route("/plugins")
@permission_required("admin.plugins")
def plugins() -> str:
    infos = sorted(registry().plugins.values(), key=lambda p: p.name)
    return render_template("admin/plugins.html", plugins=infos)


@bp.route("/plugins/<name>/settings", methods=["GET", "POST"])
@permission_required("admin.plugins")
def plugin_settings(name: str) -> str | Response:
    info = registry().plugins.get(name)
    if info is None or not info.enabled or info.error:
        abort(404)
    settings = declared(name)
    form = settings_form(settings, all_settings(name))
    if form.validate_on_submit():
        set_settings(name, {s.name: form[s.name].data for s in settings})
        flash(_("Settings saved."), "info")
        return redirect(url_for("admin.plugin_settings", name=name))
    return render_template("admin/plugin_settings.html", plugin=info, form=form, settings=settings)


@bp.route("/audit")
@permission_required("admin.audit")
def audit() -> str:
    query = select(AuditLog).order_by(AuditLog.id.desc())
    actor = request.args.get("actor", "").strip()
    object_type = request.args.get("object_type", "").strip()
    if actor:
        query = query.where(AuditLog.actor == actor)
    if object_type:
        query = query.where(AuditLog.object_type == object_type)
    page = db.paginate(query, per_page=AUDIT_PAGE_SIZE, error_out=False)
    return render_template("admin/audit.html", page=page, actor=actor, object_type=object_type)
