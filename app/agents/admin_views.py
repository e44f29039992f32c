"""The administrator's pages for the desk: agents (a user's queue member interface, member
name, extension, skill groups with penalties, on or off) and the pause reasons (added,
edited, switched off — never deleted: the state history names them by code, so a code
never changes either). Every change is audited by the models."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug import Response
from wtforms.fields.choices import SelectChoice

from app.agents.admin_forms import AgentForm, PauseReasonForm, parse_skills, skills_text
from app.agents.models import AgentProfile, AgentSkill, PauseReason
from app.agents.views import bp
from app.auth.models import User
from app.auth.permissions import permission_required
from app.extensions import db

ADMIN = "desk.admin"


@bp.route("/admin/agents", methods=["GET", "POST"])
@permission_required(ADMIN)
def admin_agents() -> str | Response:
    form = AgentForm()
    form.user_id.choices = [SelectChoice(u.id, _user_label(u)) for u in _users_without_profile()]
    if form.validate_on_submit() and _interface_free(form, None):
        profile = AgentProfile(user_id=form.user_id.data)
        db.session.add(profile)
        _save_agent(profile, form)
        flash(_("Agent %(interface)s added.", interface=profile.interface), "ok")
        return redirect(url_for("agents.admin_agents"))
    profiles = db.session.scalars(select(AgentProfile).join(User, User.id == AgentProfile.user_id)
                                  .order_by(AgentProfile.active.desc(), User.username)).all()
    return render_template("agents/admin_agents.html", profiles=profiles, form=form)


@bp.route("/admin/agents/<int:user_id>", methods=["GET", "POST"])
@permission_required(ADMIN)
def admin_agent(user_id: int) -> str | Response:
    profile = db.session.get(AgentProfile, user_id) or abort(404)
    skills = {skill.queue: skill.penalty for skill in profile.skills}
    form = AgentForm(obj=profile, skill_lines=skills_text(skills))
    form.user_id.choices = [SelectChoice(profile.user_id, _user_label(profile.user))]
    form.user_id.data = profile.user_id
    if form.validate_on_submit() and _interface_free(form, profile.user_id):
        _save_agent(profile, form)
        flash(_("Agent %(interface)s saved.", interface=profile.interface), "ok")
        return redirect(url_for("agents.admin_agents"))
    return render_template("agents/admin_agent.html", profile=profile, form=form)


@bp.route("/admin/pause-reasons", methods=["GET", "POST"])
@permission_required(ADMIN)
def admin_pause_reasons() -> str | Response:
    form = PauseReasonForm()
    if form.validate_on_submit() and _code_free(form):
        reason = PauseReason(code=form.code.data.strip())
        db.session.add(reason)
        _save_reason(reason, form)
        flash(_("Pause reason “%(name)s” added.", name=reason.name), "ok")
        return redirect(url_for("agents.admin_pause_reasons"))
    reasons = db.session.scalars(select(PauseReason).order_by(PauseReason.active.desc(), PauseReason.weight,
                                                              PauseReason.name)).all()
    return render_template("agents/admin_pause_reasons.html", reasons=reasons, form=form)


@bp.route("/admin/pause-reasons/<int:reason_id>", methods=["GET", "POST"])
@permission_required(ADMIN)
def admin_pause_reason(reason_id: int) -> str | Response:
    reason = db.session.get(PauseReason, reason_id) or abort(404)
    form = PauseReasonForm(obj=reason)
    del form.code  # the history names the reason by its code: it stays
    if form.validate_on_submit():
        _save_reason(reason, form)
        flash(_("Pause reason “%(name)s” saved.", name=reason.name), "ok")
        return redirect(url_for("agents.admin_pause_reasons"))
    return render_template("agents/admin_pause_reason.html", reason=reason, form=form)


def _save_agent(profile: AgentProfile, form: AgentForm) -> None:
    profile.interface = form.interface.data.strip()
    profile.member_name = (form.member_name.data or "").strip()
    profile.extension = (form.extension.data or "").strip()
    profile.active = bool(form.active.data)
    db.session.flush()
    wanted = parse_skills(form.skill_lines.data or "")
    for skill in db.session.scalars(select(AgentSkill).where(AgentSkill.user_id == profile.user_id)).all():
        if skill.queue not in wanted:
            db.session.delete(skill)
        elif skill.penalty != wanted[skill.queue]:
            skill.penalty = wanted[skill.queue]
        wanted.pop(skill.queue, None)
    db.session.add_all(AgentSkill(user_id=profile.user_id, queue=queue, penalty=penalty)
                       for queue, penalty in wanted.items())
    db.session.commit()


def _save_reason(reason: PauseReason, form: PauseReasonForm) -> None:
    reason.name = form.name.data.strip()
    reason.limit_minutes = form.limit_minutes.data
    reason.counts_as_work = bool(form.counts_as_work.data)
    reason.weight = form.weight.data if form.weight.data is not None else 100
    reason.active = bool(form.active.data)
    db.session.commit()


def _interface_free(form: AgentForm, user_id: int | None) -> bool:
    """The interface and the member name are no other agent's (Asterisk names a member by
    either; two agents behind one would be confused)."""
    interface, member = form.interface.data.strip(), (form.member_name.data or "").strip()
    names = [name for name in (interface, member) if name]
    taken = db.session.scalar(select(AgentProfile).where(
        AgentProfile.user_id != (user_id or 0),
        AgentProfile.interface.in_(names) | (AgentProfile.member_name.in_(names) & (AgentProfile.member_name != ""))))
    if taken is None:
        return True
    form.interface.errors = [*form.interface.errors,
                             _("%(name)s is already used by %(user)s.",
                               name=interface if interface in (taken.interface, taken.member_name) else member,
                               user=_user_label(taken.user))]
    return False


def _code_free(form: PauseReasonForm) -> bool:
    if db.session.scalar(select(PauseReason.id).where(PauseReason.code == form.code.data.strip())) is None:
        return True
    form.code.errors = [*form.code.errors, _("The code %(code)s is already taken.", code=form.code.data.strip())]
    return False


def _users_without_profile() -> list[User]:
    return list(db.session.scalars(select(User).where(User.active.is_(True),
                                                              User.id.not_in(select(AgentProfile.user_id)))
                                   .order_by(User.username)))


def _user_label(user: User) -> str:
    return f"{user.display_name} ({user.username})" if user.display_name else user.username
