from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Response, abort, render_template, request
from flask_login import current_user

from app.audit.listener import record
from app.auth.permissions import has_permission, permission_required
from app.declarations import Report
from app.extensions import db
from app.plugin_loader import collect
from app.reports.excel import to_bytes

bp = Blueprint("reports", __name__, url_prefix="/reports")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _reports() -> list[Report]:
    return [r for r in collect("postline_reports") if has_permission(current_user, r.permission)]


@bp.route("/")
@permission_required("reports.view")
def index() -> str:
    return render_template("reports/index.html", reports=_reports())


@bp.route("/<name>", methods=["GET", "POST"])
@permission_required("reports.view")
def report(name: str) -> str | Response:
    declared = next((r for r in _reports() if r.name == name), None)
    if declared is None:
        abort(404)
    form = declared.form_class() if declared.form_class else None
    if request.method == "GET" and form is not None:
        return render_template("reports/form.html", report=declared, form=form)
    if form is not None and not form.validate_on_submit():
        return render_template("reports/form.html", report=declared, form=form), 400
    params = dict(form.data) if form is not None else {}
    params.pop("csrf_token", None)
    body = to_bytes(declared.build(params))
    record("download", "report", declared.name, {k: str(v) for k, v in params.items()})
    db.session.commit()
    filename = f"{declared.name}-{datetime.now():%Y%m%d-%H%M}.xlsx"
    return Response(body, mimetype=XLSX,
                    headers={"Content-Disposition": f"attachment; filename={filename}"})
