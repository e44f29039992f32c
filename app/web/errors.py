"""Error pages in the user's language; an expired form goes back with a message."""
from __future__ import annotations

from typing import Any

from flask import Flask, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError

from app.extensions import db


def init_app(app: Flask) -> None:
    @app.errorhandler(400)
    def bad_request(_error: Any) -> tuple[str, int]:
        return render_template("error.html", code=400, message=_(
            "The request contained characters or numbers this site does not accept.")), 400

    @app.errorhandler(DataError)
    @app.errorhandler(OverflowError)
    def refused_by_database(error: Any) -> tuple[str, int]:
        """Last resort: a value from the request the database could not store or compare
        (the guard in :mod:`app.web.inputs` should have stopped it earlier)."""
        db.session.rollback()
        return bad_request(error)

    @app.errorhandler(403)
    def forbidden(_error: Any) -> tuple[str, int]:
        return render_template("error.html", code=403, message=_("You do not have permission to open this page.")), 403

    @app.errorhandler(404)
    def not_found(_error: Any) -> tuple[str, int]:
        return render_template("error.html", code=404, message=_("Page not found.")), 404

    @app.errorhandler(CSRFError)
    def csrf_error(_error: Any) -> Any:
        flash(_("The form had expired; please submit it again."), "error")
        return redirect(request.referrer or url_for("main.index"))
