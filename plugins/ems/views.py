"""The agent's pages (mounted under /p/ems): item search with the full route, the
damaged-or-lost complaint prefilled from an item, and the back office's events import.
The pickup booking is an agent form (``/desk/forms/ems.pickup``), linked from here."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug import Response

from app import api

from . import booking, numbers
from .forms import PROBLEMS, ComplaintForm, ImportForm, SearchForm
from .importing import BadFile, import_events, read_rows
from .queries import record_query
from .tracking import Route, service

PLUGIN = "ems"
TRACK = "ems.track"
IMPORT = "ems.import"
PICKUP = "ems.pickup"
MOST_ERRORS_SHOWN = 200

bp = Blueprint(PLUGIN, __name__, template_folder="templates")


def _customer_id() -> int | None:
    value = request.args.get("customer_id", "").strip()
    if value.isdigit() and len(value) < 10 and api.db.session.get(api.Customer, int(value)) is not None:
        return int(value)
    return None


@bp.route("/")
@api.permission_required(TRACK)
def index() -> tuple[str, int]:
    form = SearchForm(request.args)
    if "number" not in request.args:
        return render_template("ems/index.html", form=SearchForm(formdata=None), searched=False), 200
    if not form.validate():
        return render_template("ems/index.html", form=form, searched=False), 400
    route = service().route(form.number.data)
    user = api.current_user
    record_query("agent", form.number.data, route is not None, user_id=user.id, customer_id=_customer_id())
    return render_template("ems/index.html", form=form, searched=True, number=form.number.data,
                           route=route, **_links(route)), 200


def _links(route: Route | None) -> dict[str, Any]:
    return {"may_complain": route is not None and api.has_permission(api.current_user, "tickets.create"),
            "may_book": api.has_permission(api.current_user, PICKUP)}


def _route_or_404(number: str) -> Route:
    try:
        parsed = numbers.parse(number)
    except numbers.BadNumber:
        abort(404)
    route = service().route(parsed.text)
    if route is None:
        abort(404)
    return route


@bp.route("/items/<number>/complaint", methods=["GET", "POST"])
@api.permission_required("tickets.create")
def complaint(number: str) -> str | Response | tuple[str, int]:
    if not api.has_permission(api.current_user, TRACK):
        abort(403)
    route = _route_or_404(number)
    form = ComplaintForm()
    if request.method == "GET":
        form.problem.data = request.args.get("problem", "damaged")
        if form.problem.data not in dict(PROBLEMS):
            form.problem.data = "damaged"
    if form.validate_on_submit():
        order_number = booking.file_complaint(form, route, api.current_user)
        flash(_("Complaint registered: work order %(number)s.", number=order_number), "info")
        return redirect(url_for("tickets.detail", number=order_number))
    status = 400 if request.method == "POST" else 200
    return render_template("ems/complaint.html", form=form, route=route), status


@bp.route("/import", methods=["GET", "POST"])
@api.permission_required(IMPORT)
def import_page() -> tuple[str, int]:
    form = ImportForm()
    if not form.validate_on_submit():
        return render_template("ems/import.html", form=form), 400 if request.method == "POST" else 200
    upload = form.file.data
    try:
        report = import_events(read_rows(upload.filename or "", upload.read()))
    except BadFile as exc:
        api.db.session.rollback()
        form.file.errors = [str(exc)]
        return render_template("ems/import.html", form=form), 400
    api.audit("import", "ems_event", detail={"file": upload.filename or "", "added": report.added,
                                              "skipped": report.skipped, "errors": len(report.errors)})
    api.db.session.commit()
    return render_template("ems/import.html", form=ImportForm(formdata=None), report=report,
                           errors=report.errors[:MOST_ERRORS_SHOWN]), 200
