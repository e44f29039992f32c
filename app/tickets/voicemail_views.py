"""The page where the lines' voice-message routes are chosen: for each hotline, the type,
category, priority and department of the work orders its voice messages become. Those who
set up the lines (``ivr.flows``) choose them; every change is in the audit log."""
from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug import Response
from wtforms.fields.choices import SelectChoice

from app.auth.models import Department
from app.auth.permissions import permission_required
from app.extensions import db
from app.ivr.models import IVRLine
from app.tickets.forms import VoicemailRouteForm
from app.tickets.models import TicketCategory, VoicemailRoute
from app.tickets.types import all_types, categories_of, ensure_categories
from app.tickets.views import bp
from app.tickets.voicemail import DEFAULT_TYPE


def _form(route: VoicemailRoute | None, formdata: Any = None) -> VoicemailRouteForm:
    form = VoicemailRouteForm(formdata=formdata, prefix="route")
    types = all_types()
    form.type_code.choices = [SelectChoice(code, str(t.title)) for code, t in types.items()]
    form.category_id.choices = [SelectChoice("", "—")] + [
        SelectChoice(str(c.id), f"{types[code].title} › {c.path}")
        for code in types for c in categories_of(code)]
    form.department_id.choices = [SelectChoice("", _("— at the desk —"))] + [
        SelectChoice(str(d.id), d.name) for d in db.session.scalars(
            select(Department).where(Department.active.is_(True)).order_by(Department.code))]
    if formdata is None:
        form.type_code.data = route.type_code if route else DEFAULT_TYPE
        form.category_id.data = str(route.category_id or "") if route else ""
        form.department_id.data = str(route.department_id or "") if route else ""
        form.priority.data = route.priority if route else "normal"
        form.call_back.data = route.call_back if route else False
    return form


def _route(line: IVRLine) -> VoicemailRoute | None:
    return db.session.scalar(select(VoicemailRoute).where(VoicemailRoute.line_id == line.id))


@bp.route("/voicemail-routes")
@permission_required("ivr.flows")
def voicemail_routes() -> str:
    for ticket_type in all_types().values():
        ensure_categories(ticket_type)
    db.session.commit()
    lines = db.session.scalars(select(IVRLine).order_by(IVRLine.number)).all()
    return render_template("tickets/voicemail_routes.html",
                           rows=[(line, _form(_route(line))) for line in lines])


@bp.route("/voicemail-routes/<number>", methods=["POST"])
@permission_required("ivr.flows")
def voicemail_route_save(number: str) -> Response:
    back = redirect(url_for("tickets.voicemail_routes"))
    line = db.session.scalar(select(IVRLine).where(IVRLine.number == number))
    if line is None:
        flash(_("There is no line %(number)s.", number=number), "error")
        return back
    route = _route(line)
    form = _form(route, request.form)
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(f"{line.number}: {error}", "error")
        return back
    category = db.session.get(TicketCategory, int(form.category_id.data)) if form.category_id.data else None
    if category is not None and category.type_code != form.type_code.data:
        flash(_("%(line)s: the category %(category)s is not one of the chosen type.",
                line=line.number, category=category.path), "error")
        return back
    if route is None:
        route = VoicemailRoute(line_id=line.id)
        db.session.add(route)
    route.type_code = form.type_code.data
    route.category_id = category.id if category else None
    route.department_id = int(form.department_id.data) if form.department_id.data else None
    route.priority = form.priority.data
    route.call_back = bool(form.call_back.data)
    db.session.commit()
    flash(_("Voice messages of line %(number)s now become work orders as chosen.", number=line.number))
    return back
