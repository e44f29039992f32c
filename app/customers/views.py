"""Customer search, the profile with its timeline, and the forms that change a customer:
create, edit (optimistic versioning), add an address or a note, merge a duplicate."""
from __future__ import annotations

import io

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from app.audit.editing import changed_since, claim, seen_version
from app.auth.permissions import has_permission, permission_required
from app.customers import records, spreadsheet, timeline
from app.customers.forms import AddressForm, CustomerForm, ImportForm, MergeForm, NoteForm, phone_lines
from app.customers.models import Customer, CustomerAddress
from app.extensions import db

bp = Blueprint("customers", __name__, url_prefix="/customers", template_folder="templates")

PER_PAGE = 50
MOST_EXPORTED = 20000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TIMELINE_PER_PAGE = 30


@bp.route("/")
@permission_required("customers.view")
def index() -> str:
    q = request.args.get("q", "").strip()[:100]
    field = request.args.get("by", "all")
    if field not in records.FIELDS:
        field = "all"
    page = records.search_page(records.search(q, field), request.args.get("page", 1, type=int), PER_PAGE)
    return render_template("customers/index.html", page=page, q=q, by=field, fields=records.FIELDS,
                           can_edit=has_permission(current_user, "customers.edit"),
                           can_import=has_permission(current_user, "customers.import"),
                           can_export=has_permission(current_user, "customers.export"))


@bp.route("/export.xlsx")
@permission_required("customers.export")
def export() -> Response:
    """The search result (the same ``q`` and ``by`` as the search page) as a workbook."""
    field = request.args.get("by", "all")
    query = records.search(request.args.get("q", "").strip()[:100], field if field in records.FIELDS else "all")
    data = spreadsheet.export(db.session.scalars(query.limit(MOST_EXPORTED)))
    return send_file(io.BytesIO(data), mimetype=XLSX, as_attachment=True, download_name="customers.xlsx")


@bp.route("/import", methods=["GET", "POST"])
@permission_required("customers.import")
def import_file() -> str | Response:
    form = ImportForm()
    errors: list[str] = []
    if form.validate_on_submit():
        result = spreadsheet.read(form.file.data.read())
        errors = result.errors
        if not errors:
            db.session.add_all(result.customers)
            db.session.commit()
            flash(_("%(count)s customers imported.", count=len(result.customers)), "info")
            return redirect(url_for("customers.index"))
    return render_template("customers/import.html", form=form, errors=errors, headers=spreadsheet.HEADERS)


@bp.route("/<int:customer_id>")
@permission_required("customers.view")
def detail(customer_id: int) -> str:
    customer = db.get_or_404(Customer, customer_id)
    page = timeline.page(customer, request.args.get("page", 1, type=int), TIMELINE_PER_PAGE)
    merged_into = db.session.get(Customer, customer.merged_into_id) if customer.merged_into_id else None
    merged = db.session.scalars(db.select(Customer).where(Customer.merged_into_id == customer.id)).all()
    can_edit = has_permission(current_user, "customers.edit")
    return render_template(
        "customers/detail.html", customer=customer, timeline=page, merged_into=merged_into,
        merged=merged, can_edit=can_edit, can_merge=has_permission(current_user, "customers.merge"),
        note_form=NoteForm(), address_form=AddressForm(), merge_form=MergeForm())


@bp.route("/new", methods=["GET", "POST"])
@bp.route("/<int:customer_id>/edit", methods=["GET", "POST"])
@permission_required("customers.edit")
def edit(customer_id: int | None = None) -> str | Response:
    customer = db.get_or_404(Customer, customer_id) if customer_id else None
    if customer is not None and customer.merged_into_id:
        flash(_("This record was merged into another; edit that one."), "error")
        return redirect(url_for("customers.detail", customer_id=customer.merged_into_id))
    form = CustomerForm(obj=customer)
    if request.method == "GET" and customer is not None:
        _fill_form(form, customer)
    if form.validate_on_submit():
        if customer is not None and not claim(customer, seen_version(form.row_version.data, customer),
                                              current_user.username):
            form.name.errors = [*form.name.errors, changed_since(customer)]
        else:
            if customer is None:
                customer = Customer(name=form.name.data)
                db.session.add(customer)
            _apply_form(form, customer)
            db.session.commit()
            flash(_("Customer %(name)s saved.", name=customer.name), "info")
            return redirect(url_for("customers.detail", customer_id=customer.id))
    return render_template("customers/edit.html", form=form, customer=customer)


def _fill_form(form: CustomerForm, customer: Customer) -> None:
    form.phones.data = "\n".join(phone.number for phone in customer.phones)
    form.tags.data = " ".join(customer.tag_list)
    form.row_version.data = str(customer.row_version)
    if customer.addresses:
        first = customer.addresses[0]
        for name in ("province", "city", "county", "detail", "postcode"):
            getattr(form, name).data = getattr(first, name)


def _apply_form(form: CustomerForm, customer: Customer) -> None:
    customer.name = form.name.data.strip()
    customer.kind = form.kind.data
    customer.account = (form.account.data or "").strip()
    customer.email = (form.email.data or "").strip()
    customer.id_number = (form.id_number.data or "").strip().upper()
    customer.vip = form.vip.data
    customer.blacklisted = form.blacklisted.data
    customer.set_tags(form.tags.data or "")
    records.set_phones(customer, phone_lines(form.phones.data))
    values = {name: (getattr(form, name).data or "").strip()
              for name in ("province", "city", "county", "detail", "postcode")}
    if any(values.values()):
        address = customer.addresses[0] if customer.addresses else None
        if address is None:
            address = CustomerAddress()
            customer.addresses.append(address)
        for name, value in values.items():
            setattr(address, name, value)
        records.fill_postcode(address)


@bp.route("/<int:customer_id>/addresses", methods=["POST"])
@permission_required("customers.edit")
def add_address(customer_id: int) -> Response:
    customer = db.get_or_404(Customer, customer_id)
    form = AddressForm()
    if form.validate_on_submit() and not customer.merged_into_id:
        address = CustomerAddress(position=len(customer.addresses),
                                  **{name: (getattr(form, name).data or "").strip()
                                     for name in ("province", "city", "county", "detail", "postcode")})
        records.fill_postcode(address)
        customer.addresses.append(address)
        db.session.commit()
        flash(_("Address added."), "info")
    else:
        flash(_("Address not added: %(errors)s", errors=_errors(form)), "error")
    return redirect(url_for("customers.detail", customer_id=customer.id))


@bp.route("/<int:customer_id>/notes", methods=["POST"])
@permission_required("customers.edit")
def add_note(customer_id: int) -> Response:
    customer = db.get_or_404(Customer, customer_id)
    form = NoteForm()
    if form.validate_on_submit():
        records.add_note(customer, current_user.username, form.text.data.strip())
        db.session.commit()
        flash(_("Note added."), "info")
    else:
        flash(_("Note not added: %(errors)s", errors=_errors(form)), "error")
    return redirect(url_for("customers.detail", customer_id=customer.id))


@bp.route("/<int:customer_id>/merge", methods=["POST"])
@permission_required("customers.merge")
def merge(customer_id: int) -> Response:
    survivor = db.get_or_404(Customer, customer_id)
    form = MergeForm()
    duplicate = db.session.get(Customer, form.duplicate.data) if form.validate_on_submit() else None
    if duplicate is None:
        flash(_("Not merged: no customer with this number."), "error")
    else:
        try:
            records.merge(survivor, duplicate, current_user.username)
        except ValueError:
            flash(_("Not merged: a record cannot be merged with itself or with a merged record."), "error")
        else:
            db.session.commit()
            flash(_("Customer #%(id)s merged into this one.", id=duplicate.id), "info")
    return redirect(url_for("customers.detail", customer_id=survivor.id))


def _errors(form: NoteForm | AddressForm) -> str:
    return "; ".join(f"{getattr(form, name).label.text}: {' '.join(map(str, errors))}"
                     for name, errors in form.errors.items()) or _("the form expired, try again")
