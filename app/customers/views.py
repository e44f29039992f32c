"""Customer search and the customer's page with its timeline."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from sqlalchemy import or_, select

from app.auth.permissions import permission_required
from app.customers.models import Customer
from app.extensions import db
from app.pluginhost import collect

bp = Blueprint("customers", __name__, url_prefix="/customers", template_folder="templates")


@bp.route("/")
@permission_required("customers.view")
def index() -> str:
    q = request.args.get("q", "").strip()
    query = select(Customer).order_by(Customer.id.desc())
    if q:
        like = f"%{q}%"
        query = query.where(or_(Customer.name.like(like), Customer.phone.like(like)))
    page = db.paginate(query, page=request.args.get("page", 1, type=int), per_page=50, error_out=False)
    return render_template("customers/index.html", page=page, q=q)


@bp.route("/<int:customer_id>")
@permission_required("customers.view")
def detail(customer_id: int) -> str:
    customer = db.session.get(Customer, customer_id)
    if customer is None:
        abort(404)
    timeline = sorted(collect("postline_customer_timeline", customer=customer),
                      key=lambda entry: entry.at, reverse=True)
    return render_template("customers/detail.html", customer=customer, timeline=timeline)
