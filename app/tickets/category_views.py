"""The administrator's page for the work order categories: per type, its two-level tree, with
a form to add a category and, on each one, its name and place to change and a switch to
take it off (or put it back on) the registration form. Every change reaches the audit trail
through the audited model; a refused change is a sentence next to the category, and what
was typed stays in the form."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug import Response

from app.auth.permissions import permission_required
from app.declarations import TicketType
from app.extensions import db
from app.tickets import categories
from app.tickets.categories import CategoryRefused
from app.tickets.forms import CategoryForm
from app.tickets.models import TicketCategory
from app.tickets.types import all_types, ensure_categories

bp = Blueprint("ticket_categories", __name__, url_prefix="/tickets/categories", template_folder="templates")
ADMIN = "tickets.admin"


@bp.route("/")
@permission_required(ADMIN)
def index() -> str | Response:
    """The first type's tree (the menu's entry; its forms post to the type's own address)."""
    return of_type(next(iter(all_types())))


@bp.route("/<type_code>", methods=["GET", "POST"])
@permission_required(ADMIN)
def of_type(type_code: str) -> str | Response:
    """The type's tree; POST adds a category."""
    ticket_type = _type_or_404(type_code)
    ensure_categories(ticket_type)  # a plugin's type shows what it brings before its first order
    db.session.commit()
    form = CategoryForm()
    form.parent_id.choices = _parent_choices(ticket_type)
    if form.validate_on_submit():
        try:
            added = categories.add(ticket_type, form.name.data, form.parent_id.data or None, form.weight.data)
            db.session.commit()
            flash(_("Category “%(name)s” added.", name=added.name), "ok")
            return redirect(url_for("ticket_categories.of_type", type_code=type_code))
        except CategoryRefused as refused:
            db.session.rollback()
            form.name.errors = [*form.name.errors, str(refused)]
    return _page(ticket_type, form)


@bp.route("/<type_code>/<int:category_id>", methods=["POST"])
@permission_required(ADMIN)
def edit(type_code: str, category_id: int) -> str | Response:
    """Rename and reorder one category."""
    ticket_type = _type_or_404(type_code)
    category = _category_or_404(ticket_type, category_id)
    name = request.form.get("name", "")[:200]
    weight_text = request.form.get("weight", "").strip()
    try:
        weight = _whole_number(weight_text)
        categories.edit(ticket_type, category, name, weight)
        db.session.commit()
    except CategoryRefused as refused:
        db.session.rollback()
        form = CategoryForm(formdata=None)
        form.parent_id.choices = _parent_choices(ticket_type)
        return _page(ticket_type, form, row_error=(category_id, str(refused)),
                     typed={"name": name, "weight": weight_text})
    flash(_("Category “%(name)s” saved.", name=category.name), "ok")
    return redirect(url_for("ticket_categories.of_type", type_code=type_code, _anchor=f"category-{category_id}"))


@bp.route("/<type_code>/<int:category_id>/active", methods=["POST"])
@permission_required(ADMIN)
def set_active(type_code: str, category_id: int) -> Response:
    """Switch a category off or on (``active`` = ``0`` or ``1``)."""
    ticket_type = _type_or_404(type_code)
    category = _category_or_404(ticket_type, category_id)
    active = request.form.get("active") == "1"
    try:
        categories.set_active(category, active)
        db.session.commit()
    except CategoryRefused as refused:
        db.session.rollback()
        flash(str(refused), "error")
        return redirect(url_for("ticket_categories.of_type", type_code=type_code))
    flash(_("Category “%(name)s” switched on.", name=category.name) if active
          else _("Category “%(name)s” switched off: it is no longer offered when registering.",
                 name=category.name), "ok")
    return redirect(url_for("ticket_categories.of_type", type_code=type_code, _anchor=f"category-{category_id}"))


def _page(ticket_type: TicketType, form: CategoryForm, row_error: tuple[int, str] | None = None,
          typed: dict[str, str] | None = None) -> str:
    return render_template("tickets/categories.html", ticket_type=ticket_type, types=all_types(),
                           tree=categories.tree(ticket_type), form=form, row_error=row_error,
                           typed=typed or {})


def _type_or_404(type_code: str) -> TicketType:
    ticket_type = all_types().get(type_code)
    if ticket_type is None:
        abort(404)
    return ticket_type


def _category_or_404(ticket_type: TicketType, category_id: int) -> TicketCategory:
    category = db.session.get(TicketCategory, category_id)
    if category is None or category.type_code != ticket_type.name:
        abort(404)
    return category


def _parent_choices(ticket_type: TicketType) -> list[tuple[int, Any]]:
    tops = db.session.scalars(select(TicketCategory).where(
        TicketCategory.type_code == ticket_type.name, TicketCategory.parent_id.is_(None))
        .order_by(TicketCategory.weight, TicketCategory.name)).all()
    return [(0, _("(top level)"))] + [(top.id, top.name) for top in tops]


def _whole_number(text: str) -> int | None:
    if not text:
        return None
    if not text.isdigit() or len(text) > 5:
        raise CategoryRefused(_("The order must be a whole number from 0 to %(most)d.",
                                most=categories.MAX_WEIGHT))
    return int(text)
