"""The line's pages (under /p/newspaper): the catalog an agent searches during a call, the
catalog import with its row-by-row report, and one subscription with its history."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from sqlalchemy import or_, select

from app import api

from . import codes
from .forms import ImportForm
from .importer import import_catalog
from .models import NewspaperSubscription, NewspaperTitle
from .orders import current_address, today

PLUGIN = "newspaper"
ORDER = "newspaper.order"
CATALOG = "newspaper.catalog"
PAGE_SIZE = 100

bp = Blueprint(PLUGIN, __name__, template_folder="templates")


@bp.route("/")
@api.permission_required(ORDER)
def catalog() -> str:
    query = (request.args.get("q") or "").strip()[:50]
    stmt = select(NewspaperTitle).order_by(NewspaperTitle.id)
    if query:
        code = codes.canonical(query)
        stmt = stmt.where(or_(NewspaperTitle.code == code, NewspaperTitle.title.contains(query),
                              NewspaperTitle.publisher.contains(query)))
    titles = list(api.db.session.scalars(stmt.limit(PAGE_SIZE)))
    return render_template("newspaper/catalog.html", titles=titles, query=query, periods=codes.PERIODS,
                           frequencies=codes.FREQUENCIES, today=today(),
                           can_import=api.has_permission(api.current_user, CATALOG))


@bp.route("/import", methods=["GET", "POST"])
@api.permission_required(CATALOG)
def import_page() -> tuple[str, int]:
    form = ImportForm()
    result = None
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            result = import_catalog(form.workbook.data.stream)
        else:
            status = 400
    return render_template("newspaper/import.html", form=form, result=result), status


@bp.route("/subscriptions/<int:number>")
@api.permission_required(ORDER)
def subscription(number: int) -> str:
    row = api.db.session.get(NewspaperSubscription, number)
    if row is None:
        abort(404)
    month = today().replace(day=1)
    return render_template("newspaper/subscription.html", row=row, periods=codes.PERIODS,
                           now_address=current_address(row, month))
