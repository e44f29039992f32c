"""The administrator's pages for the site as a whole: plugins and their settings, and the
audit log (the trail itself is :mod:`app.audit`; the staff accounts' pages are the auth
room's)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug import Response

from app.auth.permissions import permission_required
from app.pluginhost import registry
from app.pluginhost.settings import all_settings, declared, set_settings
from app.web.audit_page import action_choices, audit_page, is_long, object_choices, read_filters
from app.web.labels import HOOKS, label
from app.web.settings_form import settings_form

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")

@bp.route("/plugins")
@permission_required("admin.plugins")
def plugins() -> str:
    infos = sorted(registry().plugins.values(), key=lambda p: p.name)
    return render_template("admin/plugins.html", plugins=infos, hook_label=lambda name: label(HOOKS, name))


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
    filters = read_filters(request.args)
    page = audit_page(filters, request.args.get("page", 1, type=int) or 1)
    return render_template("admin/audit.html", page=page, filters=filters, is_long=is_long,
                           objects=object_choices(), actions=action_choices())
