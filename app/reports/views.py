"""The reports page and the downloads: every report is a declaration, permission-checked."""
from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Response, render_template, request

from app.audit.listener import record
from app.auth.permissions import permission_required, permitted, permitted_one
from app.extensions import db
from app.reports.excel import to_bytes

bp = Blueprint("reports", __name__, url_prefix="/reports", template_folder="templates")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.route("/")
@permission_required("reports.view")
def index() -> str:
    return render_template("reports/index.html", reports=permitted("postline_reports"))


@bp.route("/<name>", methods=["GET", "POST"])
@permission_required("reports.view")
def report(name: str) -> str | Response:
    declared = permitted_one("postline_reports", name)
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
