"""The agent's service forms, declared by plugins (bookings, orders, subscriptions)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug import Response

from app.auth.permissions import permission_required, permitted, permitted_one

bp = Blueprint("agents", __name__, url_prefix="/desk", template_folder="templates")


@bp.route("/forms")
@permission_required("desk.forms")
def forms() -> str:
    return render_template("agents/forms.html", forms=permitted("postline_agent_forms"))


@bp.route("/forms/<name>", methods=["GET", "POST"])
@permission_required("desk.forms")
def form(name: str) -> str | Response:
    declared = permitted_one("postline_agent_forms", name)
    form = declared.form_class()
    if form.validate_on_submit():
        flash(declared.handle(form, current_user), "info")
        return redirect(url_for("agents.form", name=name))
    return render_template("agents/form.html", declared=declared, form=form)
