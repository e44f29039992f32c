"""The knowledge base's pages: the agents' search, an article, the answer for another page,
and the editors' pages (write, publish, retire, categories)."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.auth.permissions import has_permission, permission_required
from app.extensions import db
from app.knowledge import answers, articles, categories
from app.knowledge.forms import ArticleForm, CategoryForm
from app.knowledge.models import DRAFT, PUBLISHED, RETIRED, STATES, KnowledgeArticle, KnowledgeCategory
from app.knowledge.search import search

bp = Blueprint("knowledge", __name__, url_prefix="/knowledge", template_folder="templates",
               static_folder="static")

READ, EDIT = "knowledge.read", "knowledge.edit"
MAX_QUERY = 100


def _may_edit() -> bool:
    return has_permission(current_user, EDIT)


def _article(article_id: int) -> KnowledgeArticle:
    """The article, or 404; readers see published articles only."""
    article = db.session.get(KnowledgeArticle, article_id)
    if article is None or (article.state != PUBLISHED and not _may_edit()):
        abort(404)
    return article


@bp.route("/")
@permission_required(READ)
def index() -> str:
    q = request.args.get("q", "").strip()[:MAX_QUERY]
    category_id = request.args.get("category", type=int)
    state = request.args.get("state", PUBLISHED)
    states = [state] if state in STATES and _may_edit() else [PUBLISHED]
    if q:
        hits = [hit.article for hit in search(q, states=states, category_id=category_id)]
    else:
        listing = select(KnowledgeArticle).where(KnowledgeArticle.state.in_(states))
        if category_id is not None:
            listing = listing.where(KnowledgeArticle.category_id.in_(categories.with_children(category_id)))
        hits = list(db.session.scalars(listing.order_by(
            KnowledgeArticle.use_count.desc(), KnowledgeArticle.view_count.desc(),
            KnowledgeArticle.id).limit(50)))
    return render_template("knowledge/index.html", q=q, hits=hits, tree=categories.tree(),
                           category_id=category_id, state=states[0], states=STATES,
                           may_edit=_may_edit())


@bp.route("/<int:article_id>")
@permission_required(READ)
def article(article_id: int) -> str:
    found = _article(article_id)
    if found.state == PUBLISHED:
        answers.record_use(found.id, current_user, answers.VIEW)
        db.session.refresh(found)
    return render_template("knowledge/article.html", article=found, version=found.current(),
                           versions=articles.versions(found), may_edit=_may_edit())


@bp.route("/<int:article_id>/versions/<int:number>")
@permission_required(READ)
def version(article_id: int, number: int) -> str:
    found = _article(article_id)
    chosen = next((v for v in articles.versions(found) if v.number == number), None)
    if chosen is None:
        abort(404)
    return render_template("knowledge/article.html", article=found, version=chosen,
                           versions=articles.versions(found), may_edit=_may_edit())


@bp.route("/<int:article_id>/answer", methods=["POST"])
@permission_required(READ)
def answer(article_id: int) -> Any:
    """The answer as JSON for the page that inserts it (a work order form), counted as a
    use. POST (with the CSRF token, header ``X-CSRFToken``), since it counts."""
    try:
        text = answers.answer_text(article_id)
    except LookupError:
        abort(404)
    answers.record_use(article_id, current_user, answers.INSERT)
    found = db.session.get(KnowledgeArticle, article_id)
    return jsonify(id=article_id, title=found.title, version=found.version, answer=text)


def _category_choices() -> list[tuple[int, str]]:
    return [(0, _("(none)"))] + categories.choices()


def _draft(form: ArticleForm) -> articles.Draft:
    return articles.Draft(title=form.title.data, body=form.body.data, answer=form.answer.data or "",
                          keywords=form.keywords.data or "", note=form.note.data or "")


@bp.route("/new", methods=["GET", "POST"])
@permission_required(EDIT)
def new() -> Any:
    form = ArticleForm()
    form.category_id.choices = _category_choices()
    if form.validate_on_submit():
        created = articles.create(_draft(form), current_user.username,
                                  category_id=form.category_id.data or None)
        db.session.commit()
        flash(_("Draft saved: version %(number)s.", number=created.version), "ok")
        return redirect(url_for("knowledge.article", article_id=created.id))
    return render_template("knowledge/edit.html", form=form, article=None)


@bp.route("/<int:article_id>/edit", methods=["GET", "POST"])
@permission_required(EDIT)
def edit(article_id: int) -> Any:
    found = _article(article_id)
    current = found.current()
    form = ArticleForm(data=None if request.method == "POST" else {
        "category_id": found.category_id or 0, "title": current.title if current else found.title,
        "keywords": found.keywords, "answer": current.answer if current else "",
        "body": current.body if current else ""})
    form.category_id.choices = _category_choices()
    if form.validate_on_submit():
        found.category_id = form.category_id.data or None
        draft = _draft(form)
        if articles.same_as_current(found, draft):
            db.session.commit()
            flash(_("Nothing changed in the text: no new version."), "ok")
        else:
            saved = articles.save_version(found, draft, current_user.username)
            db.session.commit()
            flash(_("Saved as version %(number)s.", number=saved.number), "ok")
        return redirect(url_for("knowledge.article", article_id=found.id))
    return render_template("knowledge/edit.html", form=form, article=found)


@bp.route("/<int:article_id>/state", methods=["POST"])
@permission_required(EDIT)
def set_state(article_id: int) -> Any:
    found = _article(article_id)
    state = request.form.get("state", "")
    if state not in (DRAFT, PUBLISHED, RETIRED):
        abort(400)
    articles.set_state(found, state, current_user.username)
    db.session.commit()
    flash({PUBLISHED: _("Published."), RETIRED: _("Retired."), DRAFT: _("Back to draft.")}[state], "ok")
    return redirect(url_for("knowledge.article", article_id=found.id))


@bp.route("/categories", methods=["GET", "POST"])
@permission_required(EDIT)
def category_list() -> Any:
    form = CategoryForm()
    tops = db.session.scalars(select(KnowledgeCategory).where(
        KnowledgeCategory.parent_id.is_(None)).order_by(KnowledgeCategory.weight, KnowledgeCategory.name))
    form.parent_id.choices = [(0, _("(top level)"))] + [(c.id, c.name) for c in tops]
    if form.validate_on_submit():
        parent_id = form.parent_id.data or None
        exists = db.session.scalar(select(KnowledgeCategory).where(
            KnowledgeCategory.name == form.name.data.strip(),
            KnowledgeCategory.parent_id == parent_id if parent_id else KnowledgeCategory.parent_id.is_(None)))
        if exists is not None:
            form.name.errors.append(_("This category exists already."))
        else:
            db.session.add(KnowledgeCategory(name=form.name.data.strip(), parent_id=parent_id,
                                             weight=form.weight.data if form.weight.data is not None else 100))
            db.session.commit()
            flash(_("Category added."), "ok")
            return redirect(url_for("knowledge.category_list"))
    return render_template("knowledge/categories.html", form=form, tree=categories.tree())
