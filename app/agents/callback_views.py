"""The agent's call-back list (``/desk/callbacks``: his own tasks, then the pool of his
skills, due first; a team lead sees every agent's) and click-to-call (``POST /desk/dial``).

A feedback task's try needs the customer's feedback on the order: its row links to the
work orders' task page, which records it. Every refusal is a sentence on the page (or in
the JSON answer to click_to_call.js), never an error page."""
from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, or_, select
from werkzeug import Response

from app.agents.callback_forms import DESK_OUTCOMES, DeskOutcomeForm, DialForm, TakeForm
from app.agents.dialing import DialRefused, dial
from app.agents.models import AgentSkill
from app.agents.views import bp
from app.auth.permissions import has_permission, permission_required
from app.extensions import db
from app.tickets import callbacks
from app.tickets.callback_models import OPEN, SOURCES, TASK_STATES, CallbackTask
from app.tickets.feedback_views import guarded
from app.timeutil import utcnow

USE, TEAM = "desk.use", "desk.team"
PER_PAGE = 50
SOURCE_NAMES = dict(zip(SOURCES, (_l("Work order feedback"), _l("Hung up in the queue"), _l("Not answered in time"),
                                   _l("Asked in the IVR"), _l("Voice message")), strict=True))


@bp.app_template_global()
def may_dial() -> bool:
    """Whether phone numbers on the page are click-to-call buttons for the reader."""
    return bool(current_user and current_user.is_authenticated and has_permission(current_user, USE))


@bp.app_template_global()
def callback_source_name(source: str) -> str:
    return str(SOURCE_NAMES.get(source, source))


@bp.route("/callbacks")
@permission_required(USE)
def callbacks_page() -> str:
    team = has_permission(current_user, TEAM)
    filters = _filters(team)
    mine = list(db.session.scalars(_open().where(_mine()).limit(100)))
    query = _listed(filters, team)
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    pages = max(1, (total + PER_PAGE - 1) // PER_PAGE)
    page = min(filters["page"], pages)
    listed = list(db.session.scalars(query.offset((page - 1) * PER_PAGE).limit(PER_PAGE)))
    args = {k: v for k, v in filters.items() if k != "page" and v}
    return render_template("agents/callbacks.html", mine=mine, listed=listed, total=total, page=page, pages=pages,
                           filters=filters, args=args, team=team, now=utcnow(), outcomes=DESK_OUTCOMES,
                           sources=SOURCES, states=TASK_STATES, queues=_queues(team),
                           most=callbacks.max_attempts)


@bp.route("/callbacks/<int:task_id>/take", methods=["POST"])
@permission_required(USE)
def take_callback_task(task_id: int) -> Response:
    task = db.get_or_404(CallbackTask, task_id)
    if not TakeForm().validate_on_submit():
        flash(_("The form has expired; please try again."), "error")
    elif guarded(lambda: callbacks.take(task, current_user)):
        flash(_("The task is yours now."))
    return _back()


@bp.route("/callbacks/<int:task_id>/outcome", methods=["POST"])
@permission_required(USE)
def callback_task_outcome(task_id: int) -> Response:
    task = db.get_or_404(CallbackTask, task_id)
    form = DeskOutcomeForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            flash(" ".join(str(e) for e in errors), "error")
        return _back()
    if task.order_id is not None:  # a work order's feedback is written on its task page
        return redirect(url_for("tickets.callback_task", task_id=task.id))
    seen = int(form.attempts.data) if form.attempts.data else None
    if guarded(lambda: callbacks.record_try(task, current_user, outcome=form.outcome.data, seen_attempts=seen,
                                             note=form.note.data or "")):
        flash(_("Try recorded."))
    return _back()


@bp.route("/dial", methods=["POST"])
@permission_required(USE)
def dial_number() -> Response | tuple[Response, int]:
    form = DialForm()
    wants_json = request.accept_mimetypes.best == "application/json"
    problem = None
    if not form.validate_on_submit():
        problem = " ".join(str(e) for errors in form.errors.values() for e in errors)
    else:
        try:
            call = dial(current_user, form.number.data, int(form.task_id.data) if form.task_id.data else None)
            db.session.commit()
        except DialRefused as refused:
            db.session.rollback()
            problem = str(refused)
    if problem:
        if wants_json:
            return jsonify(ok=False, message=problem), 400
        flash(problem, "error")
        return _back()
    message = _("Your phone rings now; answer it and %(number)s is dialled.", number=call.caller)
    if wants_json:
        return jsonify(ok=True, message=message, desk_call_id=call.id)
    flash(message)
    return _back()


def _filters(team: bool) -> dict[str, Any]:
    args = request.args
    scope = args.get("scope", "pool")
    state = args.get("state", OPEN) if team else OPEN
    page = args.get("page", "1")
    return {"scope": scope if scope in (("pool", "all") if team else ("pool",)) else "pool",
            "source": args.get("source", "") if args.get("source", "") in SOURCES else "",
            "queue": args.get("queue", "")[:64], "state": state if state in TASK_STATES else OPEN,
            "page": int(page) if page.isdigit() and 0 < len(page) < 6 and int(page) > 0 else 1}


def _open():  # type: ignore[no-untyped-def]
    return (select(CallbackTask).where(CallbackTask.state == OPEN)
            .order_by(CallbackTask.due_at, CallbackTask.id))


def _mine():  # type: ignore[no-untyped-def]
    me = current_user.id
    return or_(CallbackTask.taken_by_id == me, (CallbackTask.assignee_id == me) & CallbackTask.taken_by_id.is_(None))


def _listed(filters: dict[str, Any], team: bool):  # type: ignore[no-untyped-def]
    """The paged list: the pool of the reader's skills; for a team lead, with
    ``scope=all``, every task in the state chosen."""
    query = select(CallbackTask).where(CallbackTask.state == filters["state"])
    query = query.order_by(CallbackTask.due_at, CallbackTask.id)
    if filters["scope"] == "pool":
        query = query.where(CallbackTask.assignee_id.is_(None), CallbackTask.taken_by_id.is_(None))
        if not team:
            skills = select(AgentSkill.queue).where(AgentSkill.user_id == current_user.id)
            query = query.where(or_(CallbackTask.queue == "", CallbackTask.queue.in_(skills)))
    if filters["source"]:
        query = query.where(CallbackTask.sources.contains(filters["source"]))
    if filters["queue"]:
        query = query.where(CallbackTask.queue == filters["queue"])
    return query


def _queues(team: bool) -> list[str]:
    if team:
        return list(db.session.scalars(select(AgentSkill.queue).distinct().order_by(AgentSkill.queue)))
    return list(db.session.scalars(select(AgentSkill.queue).where(AgentSkill.user_id == current_user.id)
                                   .order_by(AgentSkill.queue)))


def _back() -> Response:
    """Back to the page the button was on (this site's only), else the call-back list."""
    target = request.referrer or ""
    parts = urlsplit(target)
    if target and parts.netloc == request.host and parts.path.startswith("/"):
        return redirect(parts.path + (f"?{parts.query}" if parts.query else ""))
    return redirect(url_for("agents.callbacks_page"))
