"""The work order pages: register one (from a customer or a call), an order's page with its
history, the actions the current user may take and answers from the knowledge base, the
agent's own orders, and the back office's department queue."""
from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug import Response
from wtforms.fields.choices import SelectChoice

from app.audit.editing import seen_version
from app.auth.models import Department, User
from app.auth.permissions import has_permission, permission_required
from app.calls.models import CallRecord
from app.customers.models import Customer
from app.extensions import db
from app.ivr.incidents import incident_of
from app.tickets import answers
from app.tickets.callback_models import tasks_of
from app.tickets.deadlines import RUNNING, Clocks
from app.tickets.forms import AttachmentForm, RegisterForm
from app.tickets.giving_back import may_give_back, messages_of
from app.tickets.history_labels import value_labels
from app.tickets.kinds import CHANNELS, PRIORITIES, SATISFACTION
from app.tickets.models import WorkOrder
from app.tickets.register import changed, register
from app.tickets.satisfaction import survey_choice, survey_of
from app.tickets.sniffing import ALLOWED
from app.tickets.states import (
    FIELD_NAMES,
    OPEN_STATES,
    STATES,
    TRANSITIONS,
    Refused,
    add_note,
    apply,
    available,
    find_by_number,
)
from app.tickets.types import all_types, categories_of, ensure_categories
from app.tickets.visibility import may_see
from app.timeutil import utcnow

bp = Blueprint("tickets", __name__, url_prefix="/tickets", template_folder="templates")
PER_PAGE = 50
KNOWLEDGE_READ = "knowledge.read"


@bp.app_context_processor
def _labels() -> dict[str, Any]:
    return {"ticket_states": STATES, "ticket_channels": CHANNELS, "ticket_priorities": PRIORITIES,
            "ticket_satisfaction": SATISFACTION, "ticket_fields": FIELD_NAMES}


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "").strip()
    return int(value) if value.isdigit() and len(value) < 10 else None


@bp.route("/new", methods=["GET", "POST"])
@permission_required("tickets.create")
def new() -> str | Response:
    types = all_types()
    customer = db.session.get(Customer, _int_arg("customer_id") or 0)
    call = db.session.get(CallRecord, _int_arg("call_id") or 0)
    type_code = request.args.get("type", "")
    if type_code not in types:
        return render_template("tickets/choose_type.html", types=types, customer=customer, call=call)
    ticket_type = types[type_code]
    ensure_categories(ticket_type)
    db.session.commit()
    form = RegisterForm()
    form.category_id.choices = [SelectChoice("", "—")] + [SelectChoice(str(c.id), c.path)
                                                          for c in categories_of(type_code)]
    extra_form = ticket_type.form_class(prefix="extra") if ticket_type.form_class else None
    if form.validate_on_submit() and (extra_form is None or extra_form.validate()):
        extra = {} if extra_form is None else {
            f.name.removeprefix("extra-"): f.data for f in extra_form
            if f.type not in ("CSRFTokenField", "SubmitField")}
        order = register(current_user, type_code=type_code, subject=form.subject.data,
                         description=form.description.data or "", channel=form.channel.data,
                         priority=form.priority.data,
                         category_id=int(form.category_id.data) if form.category_id.data else None,
                         customer_id=customer.id if customer else None, call_id=call.id if call else None,
                         extra=extra)
        db.session.commit()
        changed(order, "register")
        flash(_("Work order %(number)s registered.", number=order.number))
        return redirect(url_for("tickets.detail", number=order.number))
    return render_template("tickets/new.html", form=form, extra_form=extra_form, ticket_type=ticket_type,
                           customer=customer, call=call)


def order_or_404(number: str) -> WorkOrder:
    """The order with this number, if the current user may see it (else 404: to them it
    does not exist)."""
    order = db.session.scalar(select(WorkOrder).where(WorkOrder.number == number))
    if order is None or not may_see(current_user, order):
        abort(404)
    return order


@bp.route("/find")
@permission_required("tickets.view")
def find() -> str | Response:
    """A number read out on the phone; a merged order's number leads to its target."""
    number = request.args.get("number", "").strip()[:30]
    order = find_by_number(number) if number else None
    if order is not None:
        return redirect(url_for("tickets.detail", number=order.number))
    return render_template("tickets/find.html", number=number)


@bp.route("/<number>")
@permission_required("tickets.view")
def detail(number: str) -> str:
    order = order_or_404(number)
    departments = db.session.scalars(select(Department).where(Department.active.is_(True))
                                     .order_by(Department.code)).all()
    people = db.session.scalars(select(User).where(User.active.is_(True), User.department_id.is_not(None),
                                                   User.department_id == order.department_id)
                                .order_by(User.username)).all() if order.department_id else []
    call_data = _call_data(order.call)
    types = all_types()
    actions = available(current_user, order)
    knowledge = _knowledge_panel(any(t.name == "resolve" for t in actions))
    survey = survey_of(order)
    return render_template("tickets/detail.html", order=order, actions=actions,
                           survey=survey, survey_choice=survey_choice(order, survey),
                           messages=messages_of(order), callbacks=tasks_of(order),
                           may_give_back=may_give_back(current_user, order),
                           departments=departments, people=people, call_data=call_data,
                           type_title=types[order.type_code].title if order.type_code in types
                           else order.type_code,
                           extra=json.loads(order.extra or "{}"), clock=Clocks().of(order),
                           history_values=value_labels(order),
                           may_note=has_permission(current_user, "tickets.view"),
                           attachments={str(a.id): a for a in order.attachments},
                           attachment_form=AttachmentForm(), incident=incident_of(order.call),
                           attachment_accept=",".join(e for endings in ALLOWED.values() for e in endings),
                           **knowledge)


def _knowledge_panel(may_resolve: bool) -> dict[str, Any]:
    """The knowledge search on the order's page (``kq``), and the answer an agent took into
    the result form (``answer``: prefilled, not counted again)."""
    if not has_permission(current_user, KNOWLEDGE_READ):
        return {"may_search": False, "kq": "", "knowledge_hits": [], "prefill": ""}
    kq = request.args.get("kq", "").strip()[:100]
    prefill = ""
    chosen = _int_arg("answer")
    if may_resolve and chosen:
        try:
            prefill = answers.answer_for(chosen)[1]
        except Refused:
            prefill = ""
    return {"may_search": True, "kq": kq, "knowledge_hits": answers.find_answers(kq), "prefill": prefill,
            "may_resolve": may_resolve}


@bp.route("/<number>/answer/<int:article_id>", methods=["POST"])
@permission_required("tickets.view")
def use_answer(number: str, article_id: int) -> Response:
    """"Insert this answer": as a note the customer may hear, or (``into=result``) into the
    result form, which opens prefilled. The use is counted either way."""
    order = order_or_404(number)
    if not has_permission(current_user, KNOWLEDGE_READ):
        abort(403)
    kq = request.form.get("kq", "").strip()[:100]
    try:
        if request.form.get("into") == "result":
            answers.take_into_result(current_user, article_id)
            return redirect(url_for("tickets.detail", number=number, answer=article_id, kq=kq or None,
                                    _anchor="resolve-result"))
        answers.insert_as_note(order, current_user, article_id)
        db.session.commit()
    except Refused as refused:
        db.session.rollback()
        flash(str(refused), "error")
        return redirect(url_for("tickets.detail", number=number, kq=kq or None, _anchor="knowledge"))
    changed(order, "note")
    flash(_("The answer was added as a note the customer may hear."), "ok")
    return redirect(url_for("tickets.detail", number=number))


def _call_data(call: CallRecord | None) -> dict[str, Any]:
    """What the IVR gathered on the call (masked when it was stored)."""
    if call is None:
        return {}
    try:
        data = json.loads(call.data or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


@bp.route("/<number>/act/<action>", methods=["POST"])
@permission_required("tickets.view")
def act(number: str, action: str) -> Response:
    order = order_or_404(number)
    if action not in TRANSITIONS:
        abort(400)
    try:
        result = apply(order, action, current_user, request.form,
                       seen=seen_version(request.form.get("row_version"), order))
        db.session.commit()
    except Refused as refused:
        db.session.rollback()
        flash(str(refused), "error")
        return redirect(url_for("tickets.detail", number=number))
    changed(order, action)
    if result is not order:
        changed(result, action)
    flash(_("Done: %(action)s.", action=TRANSITIONS[action].title))
    if action == "resolve" and may_give_back(current_user, order):  # then: how does it go back?
        return redirect(url_for("tickets.give_back", number=number))
    return redirect(url_for("tickets.detail", number=result.number if action == "merge" else number))


@bp.route("/<number>/note", methods=["POST"])
@permission_required("tickets.view")
def note(number: str) -> Response:
    order = order_or_404(number)
    try:
        add_note(order, current_user, request.form.get("text", "")[:10000],
                 public=request.form.get("public") == "1")
        db.session.commit()
    except Refused as refused:
        db.session.rollback()
        flash(str(refused), "error")
        return redirect(url_for("tickets.detail", number=number))
    changed(order, "note")
    return redirect(url_for("tickets.detail", number=number))


def _filtered(query: Any) -> tuple[Any, dict[str, str]]:
    state = request.args.get("state", "")
    type_code = request.args.get("type", "")
    if state in STATES:
        query = query.where(WorkOrder.state == state)
    elif state != "all":
        state = ""
        query = query.where(WorkOrder.state.in_(OPEN_STATES))
    if type_code in all_types():
        query = query.where(WorkOrder.type_code == type_code)
    else:
        type_code = ""
    overdue = "1" if request.args.get("overdue") == "1" else ""
    if overdue:  # the clock runs and the deadline has passed (see app.tickets.deadlines)
        query = query.where(WorkOrder.state.in_(RUNNING), WorkOrder.due_at <= utcnow())
    return query, {"state": state, "type": type_code, "overdue": overdue}


@bp.route("/mine")
@permission_required("tickets.create")
def mine() -> str:
    query, filters = _filtered(select(WorkOrder).where(WorkOrder.created_by_id == current_user.id))
    page = db.paginate(query.order_by(WorkOrder.id.desc()).options(selectinload(WorkOrder.assignee)),
                       page=request.args.get("page", 1, type=int),
                       per_page=PER_PAGE, error_out=False)
    return render_template("tickets/list.html", page=page, filters=filters, types=all_types(),
                           heading=_("My work orders"), endpoint="tickets.mine", bulk=False,
                           clocks=Clocks().of_all(page.items))


@bp.route("/queue")
@permission_required("tickets.queue")
def queue() -> str:
    department = current_user.department_id
    query, filters = _filtered(select(WorkOrder).where(WorkOrder.department_id == department))
    # in the order of the partial index ix_work_order_open_queue: the page is read off it
    query = query.order_by(WorkOrder.due_at.asc().nulls_last(), WorkOrder.id).options(
        selectinload(WorkOrder.assignee))
    page = db.paginate(query, page=request.args.get("page", 1, type=int), per_page=PER_PAGE,
                       error_out=False)
    people = db.session.scalars(select(User).where(User.active.is_(True), User.department_id == department)
                                .order_by(User.username)).all() if department else []
    return render_template("tickets/list.html", page=page, filters=filters, types=all_types(),
                           heading=_("Department queue"), endpoint="tickets.queue", bulk=True, people=people,
                           no_department=department is None, clocks=Clocks().of_all(page.items))


@bp.route("/queue/assign", methods=["POST"])
@permission_required("tickets.queue")
def bulk_assign() -> Response:
    """Several orders of the queue to one person; each is refused or done on its own."""
    numbers = request.form.getlist("number")[:PER_PAGE]
    done, refused = 0, []
    for number in numbers:
        order = db.session.scalar(select(WorkOrder).where(WorkOrder.number == number))
        if order is None:
            continue
        try:
            apply(order, "assign_person", current_user, {"assignee_id": request.form.get("assignee_id")})
            db.session.commit()
            changed(order, "assign_person")
            done += 1
        except Refused as refusal:
            db.session.rollback()
            refused.append(f"{number}: {refusal}")
    flash(_("%(count)d work orders assigned.", count=done))
    for line in refused[:10]:
        flash(line, "error")
    return redirect(url_for("tickets.queue"))
