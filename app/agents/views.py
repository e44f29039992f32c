"""The agent's service forms, declared by plugins (bookings, orders, subscriptions)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug import Response

from app.auth.permissions import has_permission, permission_required
from app.declarations import AgentForm
from app.plugin_loader import collect

bp = Blueprint("agents", __name__, url_prefix="/desk")


def _forms() -> list[AgentForm]:
    return [f for f in collect("postline_agent_forms") if has_permission(current_user, f.permission)]


@bp.route("/forms")
@permission_required("desk.forms")
def forms() -> str:
    return render_template("agents/forms.html", forms=_forms())


@bp.route("/forms/<name>", methods=["GET", "POST"])
@permission_required("desk.forms")
def form(name: str) -> str | Response:
    declared = next((f for f in _forms() if f.name == name), None)
    if declared is None:
        abort(404)
    form = declared.form_class()
    if form.validate_on_submit():
        flash(declared.handle(form, current_user), "info")
        return redirect(url_for("agents.form", name=name))
    return render_template("agents/form.html", declared=declared, form=form)
