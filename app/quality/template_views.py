"""The scoring templates' page: the list, a new template, and one template with its
criteria (renamed or put out of use with the stale-form check; criteria added and removed).
Each change of the criteria raises the template's version; scores already given keep the
criteria they were given with."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from app.audit.editing import changed_since, claim, seen_version
from app.auth.permissions import permission_required
from app.extensions import db
from app.quality.forms import ConfirmForm, CriterionForm, TemplateForm
from app.quality.models import QualityCriterion, QualityTemplate
from app.quality.views import TEMPLATES, bp


def _name_taken(name: str, template: QualityTemplate | None) -> bool:
    other = db.session.scalar(select(QualityTemplate).where(QualityTemplate.name == name))
    return other is not None and other is not template


@bp.route("/templates", methods=["GET", "POST"])
@permission_required(TEMPLATES)
def template_list() -> str | Response:
    form = TemplateForm()
    if form.validate_on_submit():
        name = form.name.data.strip()
        if _name_taken(name, None):
            form.name.errors = [*form.name.errors, _("A template with this name exists.")]
        else:
            template = QualityTemplate(name=name, active=form.active.data)
            db.session.add(template)
            db.session.commit()
            flash(_("Template %(name)s added: now give it its criteria.", name=name), "info")
            return redirect(url_for("quality.template_detail", template_id=template.id))
    templates = db.session.scalars(select(QualityTemplate).order_by(QualityTemplate.name)).all()
    return render_template("quality/templates.html", templates=templates, form=form)


def _detail(template: QualityTemplate, form: TemplateForm, criterion_form: CriterionForm) -> str:
    return render_template("quality/template.html", template=template, form=form,
                           criterion_form=criterion_form, confirm=ConfirmForm(),
                           total=sum(c.max_points for c in template.criteria))


@bp.route("/templates/<int:template_id>", methods=["GET", "POST"])
@permission_required(TEMPLATES)
def template_detail(template_id: int) -> str | Response:
    """The template; POST renames it or puts it in or out of use."""
    template = db.get_or_404(QualityTemplate, template_id)
    form = TemplateForm(obj=template if request.method == "GET" else None)
    if request.method == "GET":
        form.row_version.data = str(template.row_version)
    if form.validate_on_submit():
        name = form.name.data.strip()
        if _name_taken(name, template):
            form.name.errors = [*form.name.errors, _("A template with this name exists.")]
        elif not claim(template, seen_version(form.row_version.data, template), current_user.username):
            form.name.errors = [*form.name.errors, changed_since(template)]
        else:
            template.name, template.active = name, form.active.data
            db.session.commit()
            flash(_("Template saved."), "info")
            return redirect(url_for("quality.template_detail", template_id=template.id))
    return _detail(template, form, CriterionForm(formdata=None))


@bp.route("/templates/<int:template_id>/criteria", methods=["POST"])
@permission_required(TEMPLATES)
def add_criterion(template_id: int) -> str | Response:
    template = db.get_or_404(QualityTemplate, template_id)
    criterion_form = CriterionForm()
    if not criterion_form.validate_on_submit():
        form = TemplateForm(formdata=None, obj=template)
        form.row_version.data = str(template.row_version)
        return _detail(template, form, criterion_form)
    template.criteria.append(QualityCriterion(
        group=(criterion_form.group.data or "").strip(), text=criterion_form.text.data.strip(),
        max_points=criterion_form.max_points.data, critical=criterion_form.critical.data,
        position=criterion_form.position.data))
    template.version += 1
    db.session.commit()
    flash(_("Criterion added."), "info")
    return redirect(url_for("quality.template_detail", template_id=template.id))


@bp.route("/templates/<int:template_id>/criteria/<int:criterion_id>/delete", methods=["POST"])
@permission_required(TEMPLATES)
def delete_criterion(template_id: int, criterion_id: int) -> Response:
    template = db.get_or_404(QualityTemplate, template_id)
    criterion = db.session.get(QualityCriterion, criterion_id)
    if ConfirmForm().validate_on_submit() and criterion is not None and criterion.template_id == template.id:
        template.criteria.remove(criterion)
        template.version += 1
        db.session.commit()
        flash(_("Criterion removed; scores already given keep it."), "info")
    else:
        flash(_("Not removed: the form expired, try again."), "error")
    return redirect(url_for("quality.template_detail", template_id=template.id))
