"""The pages that give a result back: the order's "give the result back" page (a message
or a call-back task) and the agents' call-back tasks (回访任务), each task with its tries.
Routes of the tickets blueprint; every refusal is a sentence on the page, never an error."""
from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug import Response
from wtforms.fields.choices import SelectChoice

from app.auth.permissions import has_permission, permission_required
from app.extensions import db
from app.tickets import callbacks
from app.tickets.callback_models import NOT_REACHED, REACHED, TASK_STATES, CallbackTask
from app.tickets.feedback_forms import CallbackForm, MessageForm, OutcomeForm, centre_time_to_utc
from app.tickets.giving_back import (
    MESSAGE_CHANNELS,
    MESSAGE_STATUSES,
    default_recipient,
    default_text,
    default_title,
    may_give_back,
    send_result,
)
from app.tickets.models import WorkOrder
from app.tickets.register import changed
from app.tickets.satisfaction import survey_choice, survey_of
from app.tickets.states import Refused
from app.tickets.views import bp, order_or_404
from app.timeutil import utcnow

CALLBACK_STATES = dict(zip(TASK_STATES, (_l("To call back"), _l("Done"), _l("Unreachable"), _l("Withdrawn")),
                           strict=True))
CALLBACK_OUTCOMES = {REACHED: _l("Reached"), NOT_REACHED: _l("Not reached")}


@bp.app_context_processor
def _callback_labels() -> dict[str, Any]:
    return {"callback_states": CALLBACK_STATES, "callback_outcomes": CALLBACK_OUTCOMES,
            "message_channels": MESSAGE_CHANNELS, "message_statuses": MESSAGE_STATUSES}


# --- giving the result back ---------------------------------------------------------------

@bp.route("/<number>/give-back")
@permission_required("tickets.view")
def give_back(number: str) -> str | Response:
    order = order_or_404(number)
    if not may_give_back(current_user, order):
        flash(_("You may not give this work order's result back now."), "error")
        return redirect(url_for("tickets.detail", number=number))
    return _give_back_page(order)


def _give_back_page(order: WorkOrder, forms: dict[str, Any] | None = None, status: int = 200) -> Any:
    forms = dict(forms or {})
    for channel in MESSAGE_CHANNELS:
        if channel not in forms:
            form = MessageForm(channel, formdata=None)
            form.to.data, form.text.data = default_recipient(order, channel), default_text(order)
            if "title" in form:
                form.title.data = default_title(order)
            forms[channel] = form
    if "callback" not in forms:
        forms["callback"] = CallbackForm(prefix="callback", formdata=None)
        forms["callback"].phone.data = order.customer.phone if order.customer else ""
    _agent_choices(forms["callback"])
    return render_template("tickets/give_back.html", order=order, forms=forms), status


def _agent_choices(form: CallbackForm) -> None:
    form.assignee_id.choices = [SelectChoice("", _("The pool (any agent)"))] + [
        SelectChoice(str(user.id), user.display_name or user.username) for user in callbacks.callback_agents()]


@bp.route("/<number>/give-back/message/<channel>", methods=["POST"])
@permission_required("tickets.view")
def send_message(number: str, channel: str) -> Any:
    order = order_or_404(number)
    if channel not in MESSAGE_CHANNELS:
        abort(404)
    form = MessageForm(channel)
    if not form.validate_on_submit():
        return _give_back_page(order, {channel: form})
    try:
        message = send_result(order, current_user, channel, form.to.data, form.text.data,
                              (form.title.data or "") if "title" in form else "")
    except Refused as refused:
        db.session.rollback()
        flash(str(refused), "error")
        return redirect(url_for("tickets.detail", number=number))
    changed(order, "message")
    flash(_("Message to the customer: %(status)s.", status=_status_title(message.status)),
          "error" if message.status == "failed" else "info")
    return redirect(url_for("tickets.detail", number=number))


@bp.route("/<number>/give-back/callback", methods=["POST"])
@permission_required("tickets.view")
def add_callback(number: str) -> Any:
    order = order_or_404(number)
    form = CallbackForm(prefix="callback")
    _agent_choices(form)
    if not form.validate_on_submit():
        return _give_back_page(order, {"callback": form})
    try:
        callbacks.create_task(order, current_user, phone=form.phone.data,
                              due_at=centre_time_to_utc(form.due.data),
                              assignee_id=int(form.assignee_id.data) if form.assignee_id.data else None,
                              note=form.note.data or "")
        db.session.commit()
    except Refused as refused:
        db.session.rollback()
        flash(str(refused), "error")
        return redirect(url_for("tickets.detail", number=number))
    changed(order, "callback")
    flash(_("Call-back task created."))
    return redirect(url_for("tickets.detail", number=number))


def _status_title(status: str) -> str:
    return str(MESSAGE_STATUSES.get(status, status))


# --- the call-back tasks --------------------------------------------------------------------

@bp.route("/callbacks")
@permission_required(callbacks.WORK)
def callback_list() -> str:
    return render_template("tickets/callbacks.html", lists=callbacks.task_lists(current_user),
                           most=callbacks.max_attempts(), now=utcnow())


@bp.route("/callbacks/<int:task_id>")
@permission_required(callbacks.WORK)
def callback_task(task_id: int) -> str:
    task = db.get_or_404(CallbackTask, task_id)
    if task.order_id is None:  # a caller's task: worked on the agent desk's call-back list
        abort(404)
    return _task_page(task)


def _task_page(task: CallbackTask, form: OutcomeForm | None = None, status: int = 200) -> Any:
    if form is None:
        form = OutcomeForm(formdata=None)
        form.attempts.data = str(task.attempts)
        call_id = request.args.get("call_id", "")
        form.call_id.data = call_id if call_id.isdigit() and len(call_id) < 10 else ""
    survey = survey_of(task.order)
    form.set_satisfaction_choices(survey_choice(task.order, survey))
    manager = has_permission(current_user, callbacks.MANAGE)
    return render_template("tickets/callback.html", task=task, order=task.order, form=form, survey=survey,
                           may_work=task.state == "open" and callbacks.may_work(current_user, task),
                           manager=manager and task.state == "open",
                           agents=callbacks.callback_agents() if manager else [],
                           most=callbacks.max_attempts(task)), status


def _back_to(task: CallbackTask) -> Response:
    return redirect(url_for("tickets.callback_task", task_id=task.id))


@bp.route("/callbacks/<int:task_id>/take", methods=["POST"])
@permission_required(callbacks.WORK)
def take_callback(task_id: int) -> Response:
    task = db.get_or_404(CallbackTask, task_id)
    guarded(lambda: callbacks.take(task, current_user))
    return _back_to(task)


@bp.route("/callbacks/<int:task_id>/outcome", methods=["POST"])
@permission_required(callbacks.WORK)
def callback_outcome(task_id: int) -> Any:
    task = db.get_or_404(CallbackTask, task_id)
    form = OutcomeForm()
    form.set_satisfaction_choices()
    if not form.validate_on_submit():
        return _task_page(task, form)
    order = task.order
    seen = int(form.attempts.data) if (form.attempts.data or "").isdigit() else None
    done = guarded(lambda: callbacks.record_try(
        task, current_user, outcome=form.outcome.data, seen_attempts=seen, note=form.note.data or "",
        feedback=form.feedback.data or "", satisfaction=form.satisfaction.data or "",
        retry_at=centre_time_to_utc(form.retry_at.data),
        call_id=int(form.call_id.data) if form.call_id.data else None))
    if done:
        changed(order, "feedback" if form.outcome.data == "reached" else "callback")
        flash(_("Try recorded."))
        if task.state != "open":
            return redirect(url_for("tickets.callback_list"))
    return _back_to(task)


@bp.route("/callbacks/<int:task_id>/assign", methods=["POST"])
@permission_required(callbacks.MANAGE)
def assign_callback(task_id: int) -> Response:
    task = db.get_or_404(CallbackTask, task_id)
    value = request.form.get("assignee_id", "")
    if value and not (value.isdigit() and len(value) < 10):
        flash(_("There is no such agent."), "error")
        return _back_to(task)
    if guarded(lambda: callbacks.reassign(task, current_user, int(value) if value else None)):
        flash(_("Call-back task handed over."))
    return _back_to(task)


@bp.route("/callbacks/<int:task_id>/cancel", methods=["POST"])
@permission_required(callbacks.MANAGE)
def cancel_callback(task_id: int) -> Response:
    task = db.get_or_404(CallbackTask, task_id)
    if guarded(lambda: callbacks.cancel(task, current_user, request.form.get("reason", "")[:2000])):
        flash(_("Call-back task withdrawn."))
        return redirect(url_for("tickets.callback_list"))
    return _back_to(task)


def guarded(step: Any) -> bool:
    """Run ``step`` and commit; a refusal is rolled back and flashed."""
    try:
        step()
        db.session.commit()
    except Refused as refused:
        db.session.rollback()
        flash(str(refused), "error")
        return False
    return True
