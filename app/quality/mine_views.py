"""The agent's own scores: the list, one score with its criteria, comments and recording,
and the appeal he may lodge against it. Another agent's score is a 404 here, as if it did
not exist (no probing for whose calls were scored)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from app.audit.editing import changed_since, claim, seen_version
from app.auth.permissions import permission_required
from app.extensions import clamped_page, db
from app.quality import recordings, scoring
from app.quality.forms import AppealForm
from app.quality.models import SCORED, QualityScore
from app.quality.views import MINE, SCORES_PAGE, STATE_LABELS, bp, send_recording, type_labels


def own_score(score_id: int) -> QualityScore:
    score = db.session.get(QualityScore, score_id)
    if score is None or score.agent_id != current_user.id:
        abort(404)
    return score


@bp.route("/mine")
@permission_required(MINE)
def mine() -> str:
    query = select(QualityScore).where(QualityScore.agent_id == current_user.id)
    rows, number, pages, total = clamped_page(query, QualityScore.id.desc(),
                                              request.args.get("page", 1, type=int) or 1, SCORES_PAGE)
    return render_template("quality/mine.html", scores=rows, number=number, pages=pages, total=total,
                           state_labels=STATE_LABELS)


@bp.route("/mine/<int:score_id>", methods=["GET", "POST"])
@permission_required(MINE)
def my_score(score_id: int) -> str | Response:
    """One of his scores; POST is his appeal (once, while the score stands as given)."""
    score = own_score(score_id)
    form = AppealForm()
    if form.validate_on_submit():
        if score.state != SCORED:
            flash(_("This score cannot be appealed again."), "error")
            return redirect(url_for("quality.my_score", score_id=score.id))
        if not claim(score, seen_version(request.form.get("row_version"), score), current_user.username):
            form.reason.errors = [*form.reason.errors, changed_since(score)]
        else:
            scoring.appeal(score, form.reason.data)
            db.session.commit()
            flash(_("Appeal sent: the inspector will answer it."), "info")
            return redirect(url_for("quality.my_score", score_id=score.id))
    return render_template("quality/my_score.html", score=score, form=form, call=score.desk_call,
                           has_recording=recordings.desk_call_recording(score.desk_call) is not None,
                           audio_url=url_for("quality.my_audio", score_id=score.id),
                           state_labels=STATE_LABELS, types=type_labels(), can_appeal=score.state == SCORED)


@bp.route("/mine/<int:score_id>/audio")
@permission_required(MINE)
def my_audio(score_id: int) -> Response:
    return send_recording(own_score(score_id).desk_call)
