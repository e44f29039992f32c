"""The administrator's pages for the site as a whole: plugins and their settings, and the
audit log (the trail itself is :mod:`app.audit`; the staff accounts' pages are the auth
room's)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug import Response

from app.audit.models import AuditLog
from app.auth.permissions import permission_required
from app.extensions import db
from app.pluginhost import registry
from app.pluginhost.settings import all_settings, declared, set_settings
from app.web.settings_form import settings_form

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")

AUDIT_PAGE_SIZE = 50


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
    page = db.paginate(query, page=request.args.get("page", 1, type=int), per_page=AUDIT_PAGE_SIZE,
                       error_out=False)
    return render_template("admin/audit.html", page=page, actor=actor, object_type=object_type)
