"""The inspectors' pages: answered calls with their recordings, one call with its player and
score, the scoring form (a new score or a correction), and the list of scores with the
appeals waiting for an answer. The agent's own pages are in :mod:`app.quality.mine_views`,
templates in :mod:`app.quality.template_views`, sampling in :mod:`app.quality.sample_views`."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from app.agents.models import DeskCall
from app.audit.editing import changed_since, claim, seen_version
from app.auth.permissions import has_permission, permission_required
from app.extensions import clamped_page, db
from app.quality import recordings, scoring
from app.quality.forms import score_form
from app.quality.models import APPEALED, REVISED, SCORED, STATES, UPHELD, QualityScore, QualityTemplate
from app.tickets.types import all_types

bp = Blueprint("quality", __name__, url_prefix="/quality", template_folder="templates")

LISTEN, SCORE, TEMPLATES, SAMPLING, MINE = (
    "quality.listen", "quality.score", "quality.templates", "quality.sampling", "quality.mine")
STATE_LABELS = {SCORED: _l("Scored"), APPEALED: _l("Appealed"), UPHELD: _l("Appeal answered: upheld"),
                REVISED: _l("Appeal answered: revised")}
SCORES_PAGE = 50


def type_labels() -> dict[str, str]:
    return {code: str(t.title) for code, t in all_types().items()}


def duration(seconds: int | None) -> str:
    """``3分12秒`` (UI.md's way of showing a duration); "—" when unknown."""
    if seconds is None:
        return "—"
    minutes, rest = divmod(int(seconds), 60)
    return _("%(minutes)s min %(seconds)s s", minutes=minutes, seconds=rest) if minutes else \
        _("%(seconds)s s", seconds=rest)


@bp.context_processor
def _helpers() -> dict[str, object]:
    return {"duration": duration, "state_labels": STATE_LABELS}


@bp.route("/recordings")
@permission_required(LISTEN)
def recording_list() -> str:
    filters = recordings.read_filters(request.args)
    page = recordings.recordings_page(filters, request.args.get("page", 1, type=int) or 1)
    return render_template("quality/recordings.html", page=page, filters=filters,
                           agents=recordings.agents_choice(), queues=recordings.queues_choice(),
                           types=type_labels(), state_labels=STATE_LABELS)


def send_recording(call: DeskCall) -> Response:
    """The call's file, with HTTP Range support (206 partial content), so the player seeks
    without loading the whole call; 404 when there is none."""
    path = recordings.desk_call_recording(call)
    folder = recordings.recordings_dir().resolve()
    if path is None or folder not in Path(path).resolve().parents:
        abort(404)
    return send_file(path, mimetype=recordings.MIMETYPES.get(path.suffix, "application/octet-stream"),
                     conditional=True, max_age=0, download_name=f"call-{call.id}{path.suffix}")


@bp.route("/calls/<int:call_id>/audio")
@permission_required(LISTEN)
def call_audio(call_id: int) -> Response:
    return send_recording(db.get_or_404(DeskCall, call_id))


@bp.route("/calls/<int:call_id>")
@permission_required(LISTEN)
def call_detail(call_id: int) -> str:
    call = db.get_or_404(DeskCall, call_id)
    score = db.session.scalar(select(QualityScore).where(QualityScore.desk_call_id == call.id))
    templates = db.session.scalars(select(QualityTemplate).where(QualityTemplate.active.is_(True))
                                   .order_by(QualityTemplate.name)).all()
    return render_template("quality/call.html", call=call, score=score, templates=templates,
                           has_recording=recordings.desk_call_recording(call) is not None,
                           audio_url=url_for("quality.call_audio", call_id=call.id),
                           can_score=has_permission(current_user, SCORE), types=type_labels(),
                           state_labels=STATE_LABELS)


@bp.route("/calls/<int:call_id>/score", methods=["GET", "POST"])
@permission_required(SCORE)
def score_call(call_id: int) -> str | Response:
    """Score a call against a template in use (``?template=``), or correct its score."""
    call = db.get_or_404(DeskCall, call_id)
    if call.answered_at is None:
        abort(404)
    score = db.session.scalar(select(QualityScore).where(QualityScore.desk_call_id == call.id))
    template = None
    if score is None:
        template = db.session.get(QualityTemplate, request.args.get("template", 0, type=int) or 0)
        if template is None or not template.active or not template.criteria:
            flash(_("Choose a template in use that has criteria."), "error")
            return redirect(url_for("quality.call_detail", call_id=call.id))
        items = scoring.snapshot(template)
    else:
        items = score.item_list
    form = score_form(items)
    if request.method == "GET" and score is not None:
        form.comment.data = score.comment
        form.row_version.data = str(score.row_version)
    if form.validate_on_submit():
        if score is None:
            scoring.give(call, template, form.points(), form.notes(), form.comment.data or "",
                         current_user.username)
            db.session.commit()
            flash(_("Score saved."), "info")
            return redirect(url_for("quality.call_detail", call_id=call.id))
        if score.state == APPEALED:
            flash(_("This score is under appeal: answer the appeal to change it."), "error")
            return redirect(url_for("quality.answer_appeal", score_id=score.id))
        if not claim(score, seen_version(form.row_version.data, score), current_user.username):
            form.comment.errors = [*form.comment.errors, changed_since(score)]
        else:
            scoring.correct(score, form.points(), form.notes(), form.comment.data or "")
            db.session.commit()
            flash(_("Score corrected."), "info")
            return redirect(url_for("quality.call_detail", call_id=call.id))
    return render_template("quality/score.html", call=call, score=score, form=form,
                           template_name=score.template_name if score else template.name,
                           types=type_labels())


@bp.route("/scores")
@permission_required(SCORE)
def score_list() -> str:
    state = request.args.get("state", "")
    query = select(QualityScore)
    if state in STATES:
        query = query.where(QualityScore.state == state)
    else:
        state = ""
    rows, number, pages, total = clamped_page(query, QualityScore.id.desc(),
                                              request.args.get("page", 1, type=int) or 1, SCORES_PAGE)
    return render_template("quality/scores.html", scores=rows, number=number, pages=pages, total=total,
                           state=state, state_labels=STATE_LABELS)


@bp.route("/scores/<int:score_id>/answer", methods=["GET", "POST"])
@permission_required(SCORE)
def answer_appeal(score_id: int) -> str | Response:
    """Answer an agent's appeal: uphold the score, or revise its points; stamped either way."""
    score = db.get_or_404(QualityScore, score_id)
    if score.state != APPEALED:
        flash(_("This score has no appeal waiting for an answer."), "error")
        return redirect(url_for("quality.call_detail", call_id=score.desk_call_id))
    form = score_form(score.item_list, answering=True)
    if request.method == "GET":
        form.comment.data = score.comment
        form.row_version.data = str(score.row_version)
    if form.validate_on_submit():
        if not claim(score, seen_version(form.row_version.data, score), current_user.username):
            form.answer.errors = [*form.answer.errors, changed_since(score)]
        else:
            revised = form.decision.data == "revise"
            if revised:
                scoring.correct(score, form.points(), form.notes(), form.comment.data or "")
            scoring.answer(score, form.answer.data, current_user.username, revised)
            db.session.commit()
            flash(_("Appeal answered."), "info")
            current_app.logger.info("quality score %s: appeal answered by %s", score.id,
                                    current_user.username)
            return redirect(url_for("quality.call_detail", call_id=score.desk_call_id))
    return render_template("quality/answer.html", score=score, form=form, call=score.desk_call,
                           types=type_labels())
