"""The order page's attachments: uploading one, downloading one. Both need the order to
be one the user may see (:func:`app.tickets.visibility.may_see`); to anyone else the order
and its files do not exist (404).

A file is always downloaded, never shown in the browser (``Content-Disposition:
attachment``, the name in RFC 5987 form so that Chinese names arrive whole), with the type
its bytes showed and ``nosniff``: an uploaded HTML page cannot run in PostLine's origin."""
from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug import Response
from werkzeug.exceptions import RequestEntityTooLarge

from app.auth.permissions import permission_required
from app.extensions import db
from app.tickets.attachments import AttachmentRefused, attach, max_bytes, stored_path
from app.tickets.forms import AttachmentForm
from app.tickets.models import TicketAttachment
from app.tickets.register import changed
from app.tickets.views import bp, order_or_404

#: Room for the form's other fields and the multipart boundaries around the file.
FORM_OVERHEAD = 64 * 1024


@bp.url_value_preprocessor
def _limit_upload_size(endpoint: str | None, _values: Any) -> None:
    """Runs before the CSRF check reads the form: a body far beyond the limit is refused
    before it is stored anywhere (and answered by :func:`_too_large`)."""
    if endpoint == "tickets.upload":
        request.max_content_length = max_bytes() + FORM_OVERHEAD


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(_error: Any) -> Response:
    number = (request.view_args or {}).get("number", "")
    flash(_("The file is larger than %(mb)s MB, the most an attachment may be.",
            mb=current_app.config["TICKET_ATTACHMENT_MAX_MB"]), "error")
    return redirect(url_for("tickets.detail", number=number) if number else url_for("tickets.mine"))


@bp.route("/<number>/attachments", methods=["POST"])
@permission_required("tickets.view")
def upload(number: str) -> Response:
    order = order_or_404(number)
    back = redirect(url_for("tickets.detail", number=number) + "#attachments")
    if order.state == "merged" and order.merged_into is not None:
        flash(_("This work order was merged into %(number)s: attach the file there.",
                number=order.merged_into.number), "error")
        return back
    form = AttachmentForm()
    if not form.validate_on_submit():
        flash(_("Choose a file to attach."), "error")
        return back
    uploaded = form.file.data
    data = uploaded.stream.read(max_bytes() + 1)
    try:
        attachment = attach(order, data, uploaded.filename or "", current_user)
        db.session.commit()
    except AttachmentRefused as refused:
        db.session.rollback()
        flash(str(refused), "error")
        return back
    changed(order, "attach")
    flash(_("%(name)s attached.", name=attachment.original_name))
    return back


@bp.route("/<number>/attachments/<int:attachment_id>")
@permission_required("tickets.view")
def download(number: str, attachment_id: int) -> Response:
    order = order_or_404(number)
    attachment = db.session.get(TicketAttachment, attachment_id)
    if attachment is None or attachment.order_id != order.id:
        abort(404)
    try:
        path = stored_path(attachment)
    except ValueError:
        abort(404)
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype=attachment.content_type, as_attachment=True,
                         download_name=attachment.original_name, conditional=True, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
