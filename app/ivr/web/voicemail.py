"""The agents' voice mailbox: messages newest first, playback in the browser, "handled",
and what each message led to (its work order), as the rooms above tell through
``postline_voicemail_links``."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select
from werkzeug import Response

from app.auth.permissions import permission_required
from app.extensions import db
from app.ivr.call import recording_path
from app.ivr.models import Voicemail
from app.ivr.web.blueprint import bp
from app.ivr.web.forms import ActionForm
from app.pluginhost import collect
from app.timeutil import local

VOICEMAIL_PAGE_SIZE = 30
HANDLED = "handled"


@bp.route("/voicemail")
@permission_required("ivr.voicemail")
def voicemail_list() -> str:
    page = max(request.args.get("page", 1, type=int), 1)
    only_new = request.args.get("new") == "1"
    query = select(Voicemail)
    counting = select(func.count()).select_from(Voicemail)
    if only_new:
        query = query.where(Voicemail.status != HANDLED)
        counting = counting.where(Voicemail.status != HANDLED)
    total = db.session.scalar(counting) or 0
    rows = db.session.scalars(query.order_by(Voicemail.at.desc(), Voicemail.id.desc())
                              .limit(VOICEMAIL_PAGE_SIZE).offset((page - 1) * VOICEMAIL_PAGE_SIZE)).all()
    pages = max((total + VOICEMAIL_PAGE_SIZE - 1) // VOICEMAIL_PAGE_SIZE, 1)
    links = {m.id: collect("postline_voicemail_links", message=m) for m in rows}
    return render_template("ivr/voicemail.html", messages=rows, page=page, pages=pages, total=total,
                           only_new=only_new, local=local, action_form=ActionForm(), HANDLED=HANDLED,
                           links=links)


@bp.route("/voicemail/<int:message_id>/audio")
@permission_required("ivr.voicemail")
def voicemail_audio(message_id: int) -> Response:
    message = db.session.get(Voicemail, message_id)
    if message is None or not message.path:
        abort(404)
    try:
        path = recording_path(message.path)
    except ValueError:
        current_app.logger.warning("voice message %s: path outside the recordings folder refused",
                                   message_id)
        abort(404)
    if not path.is_file():
        abort(404)
    return send_file(path, mimetype="audio/wav", conditional=True, max_age=0,
                     download_name=f"voicemail-{message.id}.wav")


@bp.route("/voicemail/<int:message_id>/handled", methods=["POST"])
@permission_required("ivr.voicemail")
def voicemail_handled(message_id: int) -> Response:
    message = db.session.get(Voicemail, message_id)
    if message is None:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    if message.status != HANDLED:
        message.status = HANDLED
        db.session.commit()
        flash(_("The voice message from %(caller)s is marked as handled.", caller=message.caller), "info")
    return redirect(url_for("ivr.voicemail_list", page=request.args.get("page", 1, type=int)))
