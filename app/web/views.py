"""The home page, the health check and the language switch."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import text
from werkzeug import Response

from app.auth.permissions import permission_required, public
from app.extensions import db

bp = Blueprint("main", __name__, template_folder="templates")


@bp.route("/")
@permission_required("core.home")
def index() -> str:
    return render_template("main/index.html")


@bp.route("/healthz")
@public
def healthz() -> tuple[Response, int]:
    """For load balancers and monitoring: 200 when the database answers, 503 otherwise."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any database failure means "not healthy"; the reason goes to the log
        current_app.logger.exception("health check: database unreachable")
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok"), 200


@bp.route("/lang", methods=["POST"])
@public
def set_language() -> Response:
    lang = request.form.get("lang", "")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
        if current_user.is_authenticated and current_user.locale != lang:
            current_user.locale = lang
            db.session.commit()
    back = request.referrer or url_for("main.index")
    return redirect(back if back.startswith(request.host_url) else url_for("main.index"))
