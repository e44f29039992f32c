"""The reports page and the downloads: every report is a declaration, permission-checked.

A form's "build in the background" button queues a run for the inbox (:mod:`app.reports.runs`)
and goes to its progress page; its "download now" button builds it in the request, as before."""
from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Response, redirect, render_template, request, url_for
from flask_login import current_user

from app.audit.listener import record
from app.auth.permissions import permission_required, permitted, permitted_one
from app.extensions import db
from app.reports.excel import to_bytes
from app.reports.runs import queue_run

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
    if request.form.get("background"):
        run = queue_run(current_user, declared, params)
        db.session.commit()
        return redirect(url_for("report_inbox.run_page", run_id=run.id))
    body = to_bytes(declared.build(params))
    record("download", "report", declared.name, {k: str(v) for k, v in params.items()})
    db.session.commit()
    filename = f"{declared.name}-{datetime.now():%Y%m%d-%H%M}.xlsx"
    return Response(body, mimetype=XLSX,
                    headers={"Content-Disposition": f"attachment; filename={filename}"})
