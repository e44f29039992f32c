"""The team lead's live view ``/desk/team``: every agent's state, reason and for how long
(pauses past their reason's limit marked "over the limit"), the callers waiting per queue
and the longest wait; per agent, a forced pause with a reason, a log-off, and listening in.
A reload shows the state now; ``team.js`` keeps it live and the clocks running.

Every action is the team lead's: recorded with source ``teamlead`` and his name, and
written to the audit trail (the state log is not an audited model, so it is said here)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug import Response
from wtforms.fields.choices import SelectChoice

from app.agents import spy, states, team, waiting
from app.agents.models import BY_TEAMLEAD, LOGGED_OFF, PAUSED, AgentProfile
from app.agents.state_forms import ForcePauseForm, LogOffForm, SpyForm
from app.agents.state_labels import label, labels, tag_class
from app.agents.views import bp
from app.audit.listener import record as audit
from app.auth.permissions import has_permission, permission_required
from app.cti import actions, live
from app.extensions import db

TEAM, SPY = "desk.team", "desk.spy"


@bp.route("/team")
@permission_required(TEAM)
def team_view() -> str:
    pause_form = ForcePauseForm(formdata=None)
    pause_form.reason.choices = [SelectChoice(r.code, r.name) for r in team.active_pause_reasons()]
    can_spy = has_permission(current_user, SPY) and db.session.get(AgentProfile, current_user.id) is not None
    queues = team.skill_queues()
    return render_template("agents/team.html", rows=team.team_rows(), queues=waiting.all_queues(queues),
                           acw_limits=team.acw_limits(queues),
                           pause_form=pause_form, logoff_form=LogOffForm(formdata=None),
                           spy_form=SpyForm(formdata=None), can_spy=can_spy, label=label, tag_class=tag_class,
                           labels=labels(), reason_names=team.reason_names(), reason_limits=team.reason_limits(),
                           topics=[live.TEAM, live.QUEUES])


@bp.route("/team/<int:user_id>/pause", methods=["POST"])
@permission_required(TEAM)
def force_pause(user_id: int) -> Response:
    form = ForcePauseForm()
    form.reason.choices = [SelectChoice(r.code, r.name) for r in team.active_pause_reasons()]
    return _act(user_id, form, PAUSED, form.reason.data or "")


@bp.route("/team/<int:user_id>/logoff", methods=["POST"])
@permission_required(TEAM)
def force_logoff(user_id: int) -> Response:
    return _act(user_id, LogOffForm(), LOGGED_OFF, "")


@bp.route("/team/<int:user_id>/spy", methods=["POST"])
@permission_required(SPY)
def listen_in(user_id: int) -> Response:
    agent = _agent_or_404(user_id)
    form = SpyForm()
    if not form.validate_on_submit():
        flash(_("The form had expired; please submit it again."), "error")
        return redirect(url_for("agents.team_view"))
    try:
        spy.spy(current_user.id, user_id, form.mode.data, current_user.username)
        audit("spy", "agent", str(user_id), {"mode": form.mode.data, "interface": agent.interface})
        db.session.commit()
    except states.StateRefused as refused:
        db.session.rollback()
        flash(str(refused), "error")
        return redirect(url_for("agents.team_view"))
    flash(_("Your phone rings: answer it to listen in on %(name)s.", name=_name(agent)), "ok")
    return redirect(url_for("agents.team_view"))


@bp.route("/team/resync", methods=["POST"])
@permission_required(TEAM)
def resync() -> Response:
    """Ask Asterisk for every queue's members and waiting callers (``QueueStatus``): its
    answer's events put the page right after missed events."""
    if LogOffForm().validate_on_submit():
        actions.send("QueueStatus", current_user.username)
        db.session.commit()
        flash(_("Asked Asterisk for the queues' state; the page follows its answer."), "ok")
    else:
        flash(_("The form had expired; please submit it again."), "error")
    return redirect(url_for("agents.team_view"))


def _act(user_id: int, form: ForcePauseForm | LogOffForm, state: str, reason: str) -> Response:
    agent = _agent_or_404(user_id)
    if not form.validate_on_submit():
        flash(_("The form had expired; please submit it again."), "error")
        return redirect(url_for("agents.team_view"))
    try:
        before = states.status_of(user_id).state
        if state == PAUSED and before == LOGGED_OFF:
            raise states.StateRefused(_("The agent is logged off."))  # a pause would log him in
        status = states.request(user_id, state, reason, source=BY_TEAMLEAD, actor=current_user.username)
        audit("force_" + state, "agent", str(user_id), {"from": before, "to": status.state, "reason": status.reason})
        db.session.commit()
    except states.StateRefused as refused:
        db.session.rollback()
        flash(_("%(name)s: %(why)s", name=_name(agent), why=refused), "error")
        return redirect(url_for("agents.team_view"))
    flash(_("%(name)s: %(state)s.", name=_name(agent), state=label(state)), "ok")
    return redirect(url_for("agents.team_view", _anchor=f"agent-{user_id}"))


def _agent_or_404(user_id: int) -> AgentProfile:
    agent = db.session.get(AgentProfile, user_id)
    if agent is None:
        abort(404)
    return agent


def _name(agent: AgentProfile) -> str:
    return agent.user.display_name or agent.user.username
