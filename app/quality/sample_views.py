"""The weekly sample ("to score") and the rules that draw it: the week's list with a button
to draw now, and the team leads' rules (added, switched on and off)."""
from __future__ import annotations

from datetime import timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from app.auth.permissions import has_permission, permission_required
from app.extensions import db
from app.quality import sampling
from app.quality.forms import ConfirmForm, DrawForm, RuleForm
from app.quality.models import SampleRule
from app.quality.views import SAMPLING, SCORE, bp, type_labels
from app.timeutil import parse_day


@bp.route("/sample")
@permission_required(SCORE)
def sample() -> str:
    day = parse_day(request.args.get("week", "")[:10])
    week = sampling.week_of(day) if day else sampling.this_week()
    form = DrawForm(formdata=None, week=week.isoformat())
    rows = sampling.sample_list(week)
    return render_template("quality/sample.html", week=week, rows=rows, form=form,
                           waiting=sum(1 for _item, score in rows if score is None),
                           previous=week - timedelta(days=7), next=week + timedelta(days=7),
                           can_draw=has_permission(current_user, SAMPLING), types=type_labels(),
                           bad_week=bool(request.args.get("week")) and day is None)


@bp.route("/sample/draw", methods=["POST"])
@permission_required(SAMPLING)
def draw() -> Response:
    form = DrawForm()
    if not form.validate_on_submit():
        error = " ".join(map(str, form.week.errors)) or _("the form expired, try again")
        flash(_("Nothing drawn: %(error)s", error=error), "error")
        return redirect(url_for("quality.sample"))
    week = sampling.week_of(parse_day(form.week.data.strip()))
    added = sampling.draw(week, current_user.username)
    db.session.commit()
    flash(_("%(count)s calls drawn for scoring.", count=added), "info")
    return redirect(url_for("quality.sample", week=week.isoformat()))


@bp.route("/rules", methods=["GET", "POST"])
@permission_required(SAMPLING)
def rules() -> str | Response:
    form = RuleForm()
    if form.validate_on_submit():
        db.session.add(SampleRule(name=form.name.data.strip(), kind=form.kind.data,
                                  per_agent=form.per_agent.data, queue=(form.queue.data or "").strip()))
        db.session.commit()
        flash(_("Sampling rule added."), "info")
        return redirect(url_for("quality.rules"))
    rows = db.session.scalars(select(SampleRule).order_by(SampleRule.id)).all()
    return render_template("quality/rules.html", rules=rows, form=form, confirm=ConfirmForm())


@bp.route("/rules/<int:rule_id>/toggle", methods=["POST"])
@permission_required(SAMPLING)
def toggle_rule(rule_id: int) -> Response:
    rule = db.get_or_404(SampleRule, rule_id)
    if ConfirmForm().validate_on_submit():
        rule.active = not rule.active
        db.session.commit()
        flash(_("Rule switched on.") if rule.active else _("Rule switched off."), "info")
    return redirect(url_for("quality.rules"))
