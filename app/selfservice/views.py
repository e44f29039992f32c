"""The public pages under ``/public``: choose complaint or suggestion, fill in the form, keep
the number shown; look an order up with its number and phone number.

No login is asked or read here (:mod:`app.selfservice.cookies`), every form carries its
CSRF token, submitting and looking up are rate limited per IP address
(:mod:`app.selfservice.limits`), and every error, the 429 included, is a page of this
room's own minimal layout, which links nowhere outside ``/public``."""
from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.blueprints import BlueprintSetupState
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug import Response
from werkzeug.exceptions import HTTPException
from wtforms.fields.choices import SelectChoice

from app.auth.permissions import public
from app.extensions import db, login_manager
from app.selfservice import attachments, cookies, intake, limits, usage
from app.selfservice.forms import StatusForm, SubmitForm
from app.selfservice.limits import limiter
from app.selfservice.lookup import look_up
from app.tickets.attachments import AttachmentRefused
from app.tickets.register import changed

PREFIX = "/public"
#: The number just given, kept for the confirmation page (shown once).
DONE_KEY = "selfservice_done"
#: Room for the form's other fields beside the largest attachment.
FORM_OVERHEAD = 64 * 1024

bp = Blueprint("selfservice", __name__, url_prefix=PREFIX, template_folder="templates",
               static_folder="static", static_url_path="/static")


def _install(state: BlueprintSetupState) -> None:
    """Once per app: the public cookie, the limiter, and the gate that runs before any
    other check (so switched-off pages are a 404 even for a form post)."""
    app: Flask = state.app
    cookies.install(app, PREFIX)
    limits.install(app)
    app.before_request_funcs.setdefault(None, []).insert(0, _gate)


bp.record_once(_install)


def _gate() -> None:
    if request.blueprint != bp.name:
        return
    if not current_app.config["SELFSERVICE_ENABLED"]:
        abort(404)
    # The visitor is nobody here: Flask-Login's per-request user is set to anonymous, so no
    # login is looked for (the staff cookie is not even read on these paths).
    g._login_user = login_manager.anonymous_user()
    request.max_content_length = int(current_app.config["SELFSERVICE_MAX_ATTACHMENT"]) + FORM_OVERHEAD


@bp.route("/")
@public
def index() -> str:
    return render_template("selfservice/index.html", types=intake.offered_types())


@bp.route("/submit/<kind>", methods=["GET", "POST"])
@public
@limiter.limit(limits.submit_limit, methods=["POST"])
def submit(kind: str) -> str | Response:
    types = intake.offered_types()
    if kind not in types:
        abort(404)
    choices = intake.categories(kind)
    db.session.commit()  # categories a plugin declared, added on first use
    form = SubmitForm()
    form.category_id.choices = [SelectChoice("", _("Please choose"))] + [
        SelectChoice(str(c.id), c.path) for c in choices]
    form.attachment.description = _("A photo of the parcel or a receipt, up to %(mb)d MB.",
                                    mb=current_app.config["SELFSERVICE_MAX_ATTACHMENT"] // (1024 * 1024))
    if form.validate_on_submit():
        order = intake.submit(kind, name=form.name.data, phone=form.phone.data, text=form.text.data,
                              category_id=int(form.category_id.data) if form.category_id.data else None)
        try:
            attachments.keep(order, form.attachment.data, form.name.data)
        except AttachmentRefused as refused:
            db.session.rollback()  # no order without the file the citizen meant to give
            form.attachment.errors = [str(refused)]
        else:
            db.session.commit()
            changed(order, "register")
            session[DONE_KEY] = order.number
            return redirect(url_for(".done"))
    return render_template("selfservice/submit.html", form=form, kind=kind, title=types[kind])


@bp.route("/done")
@public
def done() -> str:
    """Shown once: reloaded, bookmarked or opened by someone else it holds no number."""
    return render_template("selfservice/done.html", number=session.pop(DONE_KEY, None))


@bp.route("/status", methods=["GET", "POST"])
@public
@limiter.limit(limits.status_limit, methods=["POST"])
def status() -> str:
    form = StatusForm()
    view, not_found = None, False
    if form.validate_on_submit():
        view = look_up(form.number.data, form.phone.data)
        not_found = view is None
        usage.note_lookup(found=not not_found)
        db.session.commit()
    return render_template("selfservice/status.html", form=form, view=view, not_found=not_found)


@bp.route("/<path:_rest>", methods=["GET", "POST"])
@public
def elsewhere(_rest: str) -> None:
    """Any other address under the prefix: this room's own 404, not the staff site's."""
    abort(404)


@bp.errorhandler(CSRFError)
def _expired(_error: Any) -> tuple[str, int]:
    return _error_page(400, _("The form had expired. Please go back, reload the page and send it "
                              "again."))


def _http_error(error: HTTPException) -> tuple[str, int]:
    code = error.code or 500
    messages = {
        404: _("This page does not exist."),
        413: _("What you sent is too large."),
        429: _("Too many attempts from your network. Please wait a while and try again, or call "
               "the hotline."),
    }
    return _error_page(code, messages.get(code, _("Your request could not be handled. Please try "
                                                  "again later or call the hotline.")))


# By code: Flask prefers the site's handler for a code over a blueprint's for a class.
for _code in (400, 403, 404, 413, 429):
    bp.register_error_handler(_code, _http_error)


@bp.errorhandler(500)
def _server_error(_error: Any) -> tuple[str, int]:
    db.session.rollback()
    return _error_page(500, _("Something went wrong on our side. Please try again later or call "
                              "the hotline."))


def _error_page(code: int, message: str) -> tuple[str, int]:
    return render_template("selfservice/error.html", code=code, message=message), code

