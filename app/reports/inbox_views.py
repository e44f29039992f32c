"""The report inbox pages: a person's built reports with their state, the progress page of
one run (its bar polls :func:`progress`), the download (the owner's only: anybody else gets
404, as for a run that does not exist), deletion, and the subscriptions."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, Response, abort, flash, jsonify, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.audit.listener import record
from app.auth.permissions import has_permission, permission_required, permitted
from app.extensions import db
from app.quality.forms import ConfirmForm
from app.reports.inbox_models import DONE, FAILED, QUEUED, RUNNING, ReportFile, ReportRun, ReportSubscription
from app.reports.runs import XLSX, declared_report, decode_params, file_body, inbox_of, queued_ahead
from app.reports.subscriptions import SubscriptionForm, subscribable, subscriptions_of
from app.timeutil import local

bp = Blueprint("report_inbox", __name__, url_prefix="/reports/inbox", template_folder="templates")

SUBSCRIBE = "reports.subscribe"
STATUS_LABELS = {QUEUED: _l("Queued"), RUNNING: _l("Building"), DONE: _l("Done"), FAILED: _l("Failed")}
FREQUENCY_LABELS = {"daily": _l("Daily"), "weekly": _l("Weekly"), "monthly": _l("Monthly")}


def shown_time(at: datetime | None) -> str:
    return local(at).strftime("%Y-%m-%d %H:%M") if at else ""  # type: ignore[union-attr]


def shown_size(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{max(1, round(size / 1024))} KB"


def shown_params(run: ReportRun) -> dict[str, str]:
    """The run's parameters as the report's form names them (the range of days apart):
    ``分组: 日``, not ``period: day``."""
    params = {key: value for key, value in decode_params(run.params).items()
              if key not in ("start", "end") and value not in ("", None)}
    report = declared_report(run.report)
    form = report.form_class(meta={"csrf": False}, formdata=None) if report and report.form_class else None
    shown = {}
    for key, value in params.items():
        field = getattr(form, key, None) if form is not None else None
        label = str(field.label.text) if field is not None else key
        options = [tuple(choice) for choice in getattr(field, "choices", None) or ()]
        choices = {str(option[0]): str(option[1]) for option in options}
        shown[label] = choices.get(str(value), str(value))
    return shown


def shown_period(run: ReportRun) -> str:
    params = decode_params(run.params)
    if params.get("start") and params.get("end"):
        return f"{params['start']} – {params['end']}"
    return ""


@bp.context_processor
def _helpers() -> dict[str, object]:
    return {"shown_time": shown_time, "shown_size": shown_size, "shown_params": shown_params,
            "shown_period": shown_period, "status_labels": STATUS_LABELS, "frequency_labels": FREQUENCY_LABELS}


def own_run(run_id: int) -> ReportRun:
    """The current user's run ``run_id``, or 404: another's run looks like no run at all."""
    run = db.session.get(ReportRun, run_id)
    if run is None or run.user_id != current_user.id:
        abort(404)
    return run


def subscription_form() -> SubscriptionForm | None:
    if not has_permission(current_user, SUBSCRIBE):
        return None
    return SubscriptionForm([report for report in permitted("postline_reports") if subscribable(report)])


def render_inbox(form: SubscriptionForm | None = None, status: int = 200) -> tuple[str, int]:
    form = form or subscription_form()
    return render_template("reports/inbox.html", runs=inbox_of(current_user), form=form,
                           subscriptions=subscriptions_of(current_user), confirm=ConfirmForm(),
                           titles={r.name: r.title for r in permitted("postline_reports")}), status


@bp.route("/")
@permission_required("reports.view")
def inbox() -> Any:
    return render_inbox()


@bp.route("/<int:run_id>")
@permission_required("reports.view")
def run_page(run_id: int) -> str:
    run = own_run(run_id)
    return render_template("reports/run.html", run=run, ahead=queued_ahead(run) if run.status == QUEUED else 0,
                           confirm=ConfirmForm())


@bp.route("/<int:run_id>/progress")
@permission_required("reports.view")
def progress(run_id: int) -> Response:
    """What the run page's bar polls."""
    run = own_run(run_id)
    return jsonify(status=run.status, label=str(STATUS_LABELS[run.status]), progress=round(run.progress or 0.0, 3),
                   error=run.error, filename=run.filename, size=shown_size(run.size) if run.size else "",
                   download=url_for(".download", run_id=run.id) if run.status == DONE else None)


@bp.route("/<int:run_id>/download")
@permission_required("reports.view")
def download(run_id: int) -> Response:
    run = own_run(run_id)
    body = file_body(run) if run.status == DONE else None
    if body is None:
        abort(404)
    record("download", "report", run.report, {"run": str(run.id), "file": run.filename})
    db.session.commit()
    return Response(body, mimetype=XLSX, headers={"Content-Disposition": f"attachment; filename={run.filename}"})


@bp.route("/<int:run_id>/delete", methods=["POST"])
@permission_required("reports.view")
def delete(run_id: int) -> Response:
    run = own_run(run_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if run.status == RUNNING:
        flash(_("A report that is being built cannot be deleted; wait until it is done."), "error")
        return redirect(url_for(".inbox"))
    db.session.execute(ReportFile.__table__.delete().where(ReportFile.__table__.c.run_id == run.id))
    db.session.delete(run)
    db.session.commit()
    flash(_("The report was deleted from your inbox."), "success")
    return redirect(url_for(".inbox"))


@bp.route("/subscriptions", methods=["POST"])
@permission_required(SUBSCRIBE)
def subscribe() -> Any:
    form = subscription_form()
    assert form is not None  # the permission was checked
    if not form.validate_on_submit():
        return render_inbox(form, 400)
    db.session.add(ReportSubscription(user_id=current_user.id, report=form.report.data,
                                      queue=(form.queue.data or "").strip(), frequency=form.frequency.data,
                                      email=(form.email.data or "").strip()))
    db.session.commit()
    flash(_("Subscribed: the report will be delivered to your inbox."), "success")
    return redirect(url_for(".inbox"))


@bp.route("/subscriptions/<int:subscription_id>/delete", methods=["POST"])
@permission_required(SUBSCRIBE)
def unsubscribe(subscription_id: int) -> Response:
    subscription = db.session.get(ReportSubscription, subscription_id)
    if subscription is None or subscription.user_id != current_user.id:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    db.session.delete(subscription)
    db.session.commit()
    flash(_("The subscription was ended."), "success")
    return redirect(url_for(".inbox"))
