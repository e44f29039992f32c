"""The agent's 12329 pages (mounted under /p/housingfund): the member the IVR identified on
a call, with their public facts (account state, balance, loans, bookings), and a branch
booking for them. Account numbers show masked; passwords never reach these pages."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app import api

from . import guide
from .centre import centre
from .forms import KIND_LABELS, BookingForm, CallForm
from .identity import identified_on
from .models import Booking, BookingSlot, Identification

PLUGIN = "housingfund"
LOOKUP = "housingfund.lookup"
BOOK = "housingfund.book"
ALL_CALLS = "housingfund.all_calls"

bp = Blueprint(PLUGIN, __name__, template_folder="templates")

STATE_LABELS = {"normal": _l("Paying in"), "sealed": _l("Sealed"), "closed": _l("Account closed")}
LOAN_LABELS = {"received": _l("Application received"), "reviewing": _l("Under review"),
               "approved": _l("Approved, being paid out"), "repaying": _l("Being repaid"), "settled": _l("Settled")}
METHOD_TITLES = {"account": _l("fund account"), "idcard": _l("ID card"), "card": _l("co-branded card"),
                 "company": _l("company account")}


def today():
    return api.local(api.utcnow()).date()  # type: ignore[union-attr]


@bp.route("/", methods=["GET", "POST"])
@api.permission_required(LOOKUP)
def index() -> Any:
    form = CallForm()
    if form.validate_on_submit():
        return redirect(url_for("housingfund.call", call_id=form.call_id.data))
    recent_query = select(Identification).order_by(Identification.id.desc()).limit(20)
    if not api.has_permission(api.current_user, ALL_CALLS):
        recent_query = recent_query.where(Identification.call_id.in_(
            select(api.DeskCall.call_id).where(api.DeskCall.agent_id == api.current_user.id)))
    recent = api.db.session.scalars(recent_query).all()
    status = 400 if form.is_submitted() else 200
    return render_template("housingfund/index.html", form=form, recent=recent,
                           method_titles=METHOD_TITLES), status


def slot_label(slot: Any) -> str:
    return _("%(day)s %(start)s (%(free)s free)", day=slot.day.isoformat(), start=f"{slot.start:%H:%M}",
             free=slot.free)


def _booking_form(formdata: Any = None) -> BookingForm:
    form = BookingForm(formdata=formdata) if formdata is not None else BookingForm()
    kind = form.kind.data if form.kind.data in KIND_LABELS else form.kind.choices[0][0]
    branch = form.branch.data if guide.branch(form.branch.data or "") else form.branch.choices[0][0]
    form.kind.data, form.branch.data = kind, branch
    slots = centre().open_slots(kind, branch, today() + timedelta(days=1), limit=20)
    form.slot.choices = [(s.id, slot_label(s)) for s in slots]
    return form


def may_see(call_id: int) -> bool:
    """The agent who took the call (the desk's record of it), or a holder of
    ``housingfund.all_calls`` (team leaders, back office): the member's facts are not for
    every agent to browse by call number."""
    if api.has_permission(api.current_user, ALL_CALLS):
        return True
    return api.db.session.scalar(select(api.DeskCall.id).where(
        api.DeskCall.call_id == call_id, api.DeskCall.agent_id == api.current_user.id).limit(1)) is not None


def _page(call_id: int, form: BookingForm, status: int = 200) -> Any:
    found = identified_on(call_id) if may_see(call_id) else None
    member = centre().member(found.ref) if found else None
    if found is not None:
        api.audit("view", "housingfund_member", found.ref, {"call": call_id})
        api.db.session.commit()
    loans = centre().loans(found.ref) if found else []
    bookings = []
    if member is not None and found.ref.isdigit():
        bookings = api.db.session.execute(
            select(Booking, BookingSlot).join(BookingSlot, BookingSlot.id == Booking.slot_id)
            .where(Booking.member_id == int(found.ref)).order_by(BookingSlot.day.desc()).limit(10)).all()
    company_found = identified_on(call_id, "company") if may_see(call_id) else None
    company = centre().company(company_found.ref) if company_found else None
    return render_template("housingfund/call.html", call_id=call_id, identification=found, member=member,
                           loans=loans, bookings=bookings, company=company, form=form,
                           kind_labels=KIND_LABELS, branch_name=guide.branch_name, state_labels=STATE_LABELS,
                           loan_labels=LOAN_LABELS,
                           can_book=api.has_permission(api.current_user, BOOK)), status


@bp.route("/call/<int:call_id>")
@api.permission_required(LOOKUP)
def call(call_id: int) -> Any:
    form = _booking_form(request.args if request.args else None)
    return _page(call_id, form)


@bp.route("/call/<int:call_id>/book", methods=["POST"])
@api.permission_required(BOOK)
def book(call_id: int) -> Any:
    found = identified_on(call_id) if may_see(call_id) else None
    if found is None:
        abort(404)
    form = _booking_form(request.form)
    if not form.validate_on_submit():
        return _page(call_id, form, 400)
    if form.slot.data not in {value for value, _label in form.slot.choices}:
        form.slot.errors = [_("That time slot is no longer open: choose another.")]
        return _page(call_id, form, 400)
    result = centre().book(found.ref, form.slot.data, "agent", agent_id=api.current_user.id, call_id=call_id)
    if not result.ok:
        messages = {"full": _("That time slot was just fully booked: choose another."),
                    "already": _("The member has already booked that time slot.")}
        form = _booking_form(request.form)
        form.slot.errors = [messages.get(result.reason, _("The booking could not be made."))]
        return _page(call_id, form, 409)
    flash(_("Booked: number %(number)s.", number=f"{result.booking_id:06d}"), "success")
    return redirect(url_for("housingfund.call", call_id=call_id))
