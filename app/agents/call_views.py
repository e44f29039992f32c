"""The call's page on the agent desk (``/desk/calls/<id>``): the call, its summary form, a
work order from it, the transfer; and the agent's calls still to summarise. Only the call's
agent may change it; a team lead may look at any call."""
from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug import Response
from wtforms.fields.choices import SelectChoice

from app.agents import pop as pops
from app.agents import summary, transfers
from app.agents.call_forms import NO, YES, SummaryForm, TransferForm
from app.agents.models import ACW, LOGGED_OFF, ON_CALL, PAUSED, READY, RINGING, DeskCall
from app.agents.views import bp
from app.audit.editing import changed_since, seen_version
from app.auth.permissions import has_permission, permission_required
from app.cti.models import DONE, FAILED, PENDING, SENT
from app.extensions import db
from app.tickets.models import WorkOrder
from app.tickets.register import changed

TEAM = "desk.team"
STATE_TITLES = {LOGGED_OFF: _l("logged off"), READY: _l("ready"), PAUSED: _l("paused"), RINGING: _l("ringing"),
                ON_CALL: _l("on a call"), ACW: _l("after-call work")}
ACTION_TITLES = {PENDING: _l("waiting to be sent"), SENT: _l("sent"), DONE: _l("done"), FAILED: _l("failed")}


def call_or_404(call_id: int, *, to_change: bool = False) -> DeskCall:
    """The desk call if it is the current user's (or he is a team lead, to look at it):
    to anyone else it does not exist."""
    call = db.session.get(DeskCall, call_id)
    if call is None:
        abort(404)
    if call.agent_id != current_user.id and (to_change or not has_permission(current_user, TEAM)):
        abort(404)
    return call


@bp.route("/calls/<int:call_id>")
@permission_required("desk.use")
def call(call_id: int) -> str:
    desk_call = call_or_404(call_id)
    form, transfer_form = SummaryForm(), TransferForm()
    _fill(form, desk_call)
    return _page(desk_call, form, transfer_form)


@bp.route("/calls/<int:call_id>/summary", methods=["POST"])
@permission_required("desk.use")
def save_summary(call_id: int) -> str | Response:
    desk_call = call_or_404(call_id, to_change=True)
    form, transfer_form = SummaryForm(), TransferForm()
    if form.validate_on_submit():
        try:
            saved = summary.save(desk_call, current_user, what=form.what.data, resolved=form.resolved.data == YES,
                                 notes=form.notes.data, seen=seen_version(form.row_version.data, desk_call))
        except summary.SummaryRefused as refused:
            db.session.rollback()
            form.what.errors = [*form.what.errors, str(refused)]
        else:
            if not saved:
                form.what.errors = [*form.what.errors, changed_since(desk_call)]
            elif request.form.get("order"):
                return _with_work_order(desk_call)
            else:
                db.session.commit()
                flash(_("Call summary saved."), "info")
                return redirect(url_for("agents.call", call_id=desk_call.id))
    return _page(desk_call, form, transfer_form, status=400)


@bp.route("/calls/<int:call_id>/transfer", methods=["POST"])
@permission_required("desk.use")
def transfer(call_id: int) -> str | Response:
    desk_call = call_or_404(call_id, to_change=True)
    form, transfer_form = SummaryForm(), TransferForm()
    if transfer_form.validate_on_submit() and form.validate():
        try:
            target = transfers.parse_target(transfer_form.target.data, desk_call.agent_id)
            kind = transfer_form.kind.data
            transfers.check(desk_call, target, kind)
            if not summary.save_so_far(desk_call, current_user, what=form.what.data,
                                       resolved=form.resolved.data == YES if form.what.data else None,
                                       notes=form.notes.data,
                                       seen=seen_version(form.row_version.data, desk_call)):
                transfer_form.target.errors = [changed_since(desk_call)]
                return _page(desk_call, form, transfer_form, status=409)
            transfers.transfer(desk_call, current_user, target, kind)
        except (transfers.TransferRefused, summary.SummaryRefused) as refused:
            db.session.rollback()
            transfer_form.target.errors = [*transfer_form.target.errors, str(refused)]
        else:
            db.session.commit()
            flash(_("Transfer asked of Asterisk; the call's data goes with it."), "info")
            return redirect(url_for("agents.call", call_id=desk_call.id))
    return _page(desk_call, form, transfer_form, status=400)


@bp.route("/unsummarised")
@permission_required("desk.use")
def unsummarised() -> str:
    calls = summary.unsummarised(current_user.id)
    return render_template("agents/unsummarised.html", calls=calls)


def _with_work_order(desk_call: DeskCall) -> Response:
    """Register the order from the saved summary and open it (the agent completes it there)."""
    if not has_permission(current_user, "tickets.create"):
        abort(403)
    order = summary.create_work_order(desk_call, current_user)
    db.session.commit()
    changed(order, "register")
    flash(_("Call summary saved; work order %(number)s registered from it.", number=order.number), "info")
    return redirect(url_for("tickets.detail", number=order.number))


def _fill(form: SummaryForm, desk_call: DeskCall) -> None:
    """The form as the call stands; a transferred call starts from the previous agent's
    kind of call, so the next agent only corrects it."""
    start = desk_call if desk_call.ticket_type or desk_call.transferred_from is None else desk_call.transferred_from
    form.what.data = summary.what_value(start)
    form.resolved.data = NO if desk_call.resolved is False else YES
    form.notes.data = desk_call.notes
    form.row_version.data = str(desk_call.row_version)


def _page(desk_call: DeskCall, form: SummaryForm, transfer_form: TransferForm, status: int = 200) -> Any:
    form.what.choices = [SelectChoice("", "—")] + [SelectChoice(w.value, w.label) for w in summary.what_choices()]
    transfer_form.target.choices = _targets(desk_call)
    db.session.commit()  # categories a type declares, added on first use
    may_change = desk_call.agent_id == current_user.id
    previous = desk_call.transferred_from
    order = db.session.get(WorkOrder, desk_call.work_order_id) if desk_call.work_order_id else None
    return render_template("agents/call.html", call=desk_call, pop=pops.build(desk_call), form=form, transfer_form=transfer_form,
                           may_change=may_change, actions=transfers.actions_of(desk_call),
                           previous=previous, previous_what=summary.what_label(previous) if previous else "",
                           what_label=summary.what_label(desk_call),
                           work_order_number=order.number if order else "",
                           transfer_kinds=transfers.KINDS, action_states=ACTION_TITLES,
                           may_order=may_change and has_permission(current_user, "tickets.create")), status


def _targets(desk_call: DeskCall) -> list[SelectChoice]:
    """Agents (only the ready ones can be chosen; the state is shown) and queues."""
    agents_group, queues_group = _("Agents"), _("Skill group queues")
    choices = [SelectChoice("", "—")]
    for choice in transfers.agent_choices(besides=desk_call.agent_id):
        user = choice.profile.user
        label = f"{user.display_name or user.username} ({user.username}) · {_state_title(choice.state)}"
        choices.append(SelectChoice(f"{transfers.AGENT}:{choice.profile.user_id}", label,
                                    render_kw={} if choice.ready else {"disabled": True}, optgroup=agents_group))
    choices.extend(SelectChoice(f"{transfers.QUEUE}:{queue}", queue, optgroup=queues_group)
                   for queue in transfers.known_queues())
    return choices


def _state_title(state: str) -> str:
    return str(STATE_TITLES.get(state, state))
