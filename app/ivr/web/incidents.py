"""The incident switch: a team lead turns an announcement on for a line (or every line)
and off again, without touching its flow. The sound is made when it is saved; if it
cannot be (espeak-ng or sox missing) nothing is saved and the form says why, so no
incident is ever on without its announcement."""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug import Response

from app.auth.permissions import permission_required
from app.extensions import db
from app.ivr.incidents import make_sound
from app.ivr.models import IVRIncident, IVRLine
from app.ivr.prompts.build import PromptError
from app.ivr.web.blueprint import bp
from app.ivr.web.forms import ActionForm, IncidentForm
from app.timeutil import local, utcnow

PERMISSION = "ivr.incidents"
RECENT = 20


@bp.route("/incidents", methods=["GET", "POST"])
@permission_required(PERMISSION)
def incidents() -> str | Response:
    form = IncidentForm()
    lines = db.session.scalars(select(IVRLine).order_by(IVRLine.number)).all()
    form.line.choices = [("", _("Every line"))] + [(str(line.id), f"{line.number} {line.name}") for line in lines]
    if form.validate_on_submit():
        ends_at = _ends_at(form)
        if not form.ends_at.errors:
            incident = IVRIncident(line_id=int(form.line.data) if form.line.data else None,
                                   title=form.title.data.strip(), text=form.text.data.strip(),
                                   starts_at=utcnow(), ends_at=ends_at, created_by=current_user.username)
            db.session.add(incident)
            db.session.flush()
            try:
                make_sound(incident)
            except PromptError as exc:
                db.session.rollback()
                current_app.logger.warning("incident announcement not made: %s", exc)
                form.text.errors.append(_("The announcement could not be spoken (the speech tools "
                                          "espeak-ng and sox must be installed on the server); "
                                          "nothing was turned on."))
            else:
                db.session.commit()
                flash(_("The announcement is on: callers hear it after the welcome."), "info")
                return redirect(url_for("ivr.incidents"))
    now = utcnow()
    rows = db.session.scalars(select(IVRIncident).order_by(IVRIncident.starts_at.desc(), IVRIncident.id.desc())
                              .limit(RECENT + 50)).all()
    on = [row for row in rows if row.on_at(now)]
    past = [row for row in rows if not row.on_at(now)][:RECENT]
    return render_template("ivr/incidents.html", form=form, on=on, past=past, local=local,
                           action_form=ActionForm())


@bp.route("/incidents/<int:incident_id>/end", methods=["POST"])
@permission_required(PERMISSION)
def end_incident(incident_id: int) -> Response:
    incident = db.session.get(IVRIncident, incident_id)
    if incident is None:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    if incident.on_at(utcnow()):
        incident.ended_at, incident.ended_by = utcnow(), current_user.username
        db.session.commit()
        flash(_("The announcement %(title)s is off.", title=incident.title), "info")
    return redirect(url_for("ivr.incidents"))


def _ends_at(form: IncidentForm) -> datetime | None:
    """The planned end as naive UTC; a form error when it is not a time in the future."""
    if not form.ends_at.data:
        return None
    try:
        entered = datetime.fromisoformat(form.ends_at.data)
    except ValueError:
        form.ends_at.errors.append(_("Not a date and time."))
        return None
    zone = ZoneInfo(current_app.config["TIMEZONE"])
    at = entered.replace(tzinfo=zone).astimezone(timezone.utc).replace(tzinfo=None)
    if at <= utcnow():
        form.ends_at.errors.append(_("The end must be later than now."))
        return None
    return at
