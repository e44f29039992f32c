"""The message log page."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask_login import current_user

from app.auth.permissions import has_permission, permission_required
from app.notify.addresses import masked
from app.notify.log_page import CHANNEL_LABELS, STATUS_LABELS, message_page, read_filters
from app.notify.sending import CHANNEL_SETTINGS, chosen_notifier

bp = Blueprint("notify", __name__, url_prefix="/notify", template_folder="templates")


@bp.route("/messages")
@permission_required("notify.view")
def messages() -> str:
    filters = read_filters(request.args)
    page = message_page(filters, request.args.get("page", 1, type=int) or 1)
    full = has_permission(current_user, "notify.recipients")
    channels = [(channel, CHANNEL_LABELS[channel], current_app.config.get(setting) or "",
                 chosen_notifier(channel) is not None)
                for channel, setting in CHANNEL_SETTINGS.items()]
    return render_template("notify/messages.html", page=page, filters=filters, channels=channels,
                           status_labels=STATUS_LABELS, channel_labels=CHANNEL_LABELS,
                           recipient=(lambda to: to) if full else masked)
