"""The administrators' page about the AMI link: is the worker connected to Asterisk, since
when, why not, and what was asked of Asterisk lately (the outbox)."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.auth.permissions import permission_required
from app.cti.link_state import CONNECTING, DOWN, OFF, UP, current
from app.cti.models import DONE, FAILED, PENDING, SENT, CtiAction
from app.extensions import db

bp = Blueprint("cti", __name__, url_prefix="/cti", template_folder="templates")

ADMIN = "cti.admin"
RECENT_ACTIONS = 50

LINK_LABELS = {OFF: _l("Off (no AMI_HOST)"), CONNECTING: _l("Connecting"), UP: _l("Connected"),
               DOWN: _l("Disconnected")}
ACTION_LABELS = {PENDING: _l("Waiting to be sent"), SENT: _l("Sent, no answer yet"), DONE: _l("Done"),
                 FAILED: _l("Failed")}


@bp.route("/status")
@permission_required(ADMIN)
def status() -> str:
    recent = db.session.scalars(select(CtiAction).order_by(CtiAction.id.desc()).limit(RECENT_ACTIONS))
    return render_template("cti/status.html", link=current(), recent=list(recent),
                           configured_host=current_app.config.get("AMI_HOST", ""),
                           link_labels=LINK_LABELS, action_labels=ACTION_LABELS)
