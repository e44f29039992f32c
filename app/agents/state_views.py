"""``POST /desk/state``: the agent's own state buttons (the desk's state control). A refused
change is a flash message saying why; the agent is sent back to the page he came from (a
desk page only, never another site)."""
from __future__ import annotations

from typing import Any

from flask import flash, redirect, request
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug import Response
from wtforms.fields.choices import SelectChoice

from app.agents import states
from app.agents.models import LOGGED_OFF, PAUSED, READY, AgentProfile
from app.agents.queue_models import PHONE_OFFLINE, AgentQueueMember
from app.agents.state_forms import TOGGLE, StateForm
from app.agents.state_labels import label, labels, tag_class
from app.agents.team import active_pause_reasons, reason_names
from app.agents.views import bp
from app.auth.permissions import has_permission, permission_required
from app.cti import live
from app.extensions import db

DESK = "/desk"


@bp.route("/state", methods=["POST"])
@permission_required("desk.use")
def change_state() -> Response:
    form = StateForm()
    back = _safe_next(form.next.data or request.referrer or "")
    if not form.validate_on_submit():
        flash(_("The form had expired; please submit it again."), "error")
        return redirect(back)
    wanted, reason = _wanted(form.state.data, form.reason.data or "")
    try:
        status = states.request(current_user.id, wanted, reason, actor=current_user.username)
        db.session.commit()
    except states.StateRefused as refused:
        db.session.rollback()
        flash(str(refused), "error")
        return redirect(back)
    flash(_("Your state: %(state)s.", state=label(status.state)), "ok")
    return redirect(back)


@bp.app_context_processor
def state_control_globals() -> dict[str, Any]:
    return {"state_control": state_control}


def state_control() -> dict[str, Any] | None:
    """What ``agents/_state_control.html`` shows for the user of the page (``None``: he
    does not take calls)."""
    if not has_permission(current_user, "desk.use"):
        return None
    profile = db.session.get(AgentProfile, current_user.id)
    if profile is None or not profile.active:
        return {"no_profile": _("This user has no agent extension; an administrator sets one up first.")}
    status = states.status_of(current_user.id)
    form = StateForm(formdata=None, reason=status.reason, next=request.path)
    form.reason.choices = [SelectChoice("", _("(pause reason)"))] + [SelectChoice(r.code, r.name) for r in active_pause_reasons()]
    offline = db.session.query(AgentQueueMember.id).filter(
        AgentQueueMember.user_id == current_user.id, AgentQueueMember.device_status.in_(PHONE_OFFLINE)).first()
    return {"status": status, "label": label(status.state), "tag_class": tag_class(status.state),
            "reason_name": reason_names().get(status.reason, status.reason), "form": form,
            "topic": live.agent_topic(current_user.id), "labels": labels(), "phone_offline": offline is not None}


def _wanted(button: str, reason: str) -> tuple[str, str]:
    if button == TOGGLE:
        return (PAUSED, reason) if states.status_of(current_user.id).state == READY else (READY, "")
    if button in (READY, PAUSED, LOGGED_OFF):
        return button, reason
    return "", ""


def _safe_next(target: str) -> str:
    """A path on the desk (``/desk...``) taken from a full URL or a path; anything else: the desk."""
    if "://" in target:
        target = "/" + target.split("://", 1)[1].partition("/")[2]
    if target.startswith(DESK) and not target.startswith("//") and "\\" not in target:
        return target
    return DESK
