"""The deadlines page (``/tickets/deadlines``, permission ``tickets.deadlines``): the working
hours each type and priority is allowed, and the work orders' business calendar — its
weekly hours, whether it follows China's statutory holidays and 调休 days, and the site's
own special days, which win over the statutory ones.

The calendar is the one named by ``TICKET_CALENDAR``; it is made the first time this page
saves (until then deadlines count the default office week, see
:mod:`app.tickets.deadlines`). Every change is audited: the SLA rows and the calendar are
audited models. Bad input is a Chinese sentence beside its field and nothing is saved."""
from __future__ import annotations

import json
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug import Response

from app.auth.permissions import permission_required
from app.calendars.day_form import SpecialDayForm, bad_hours, read_special_day
from app.calendars.hours import WEEKDAYS, HoursError, normalise, week_text
from app.calendars.models import BusinessCalendar, CalendarDay
from app.extensions import db
from app.tickets.deadlines import DEFAULT_WEEK, find_calendar
from app.tickets.forms import ActionForm
from app.tickets.kinds import PRIORITIES
from app.tickets.sla import MAX_HOURS, configured, default_hours, save
from app.tickets.types import all_types
from app.tickets.views import bp

PERMISSION = "tickets.deadlines"
WEEKDAY_NAMES = {
    "mon": _l("Mon"), "tue": _l("Tue"), "wed": _l("Wed"), "thu": _l("Thu"),
    "fri": _l("Fri"), "sat": _l("Sat"), "sun": _l("Sun"),
}


def _calendar() -> BusinessCalendar:
    """The work orders' calendar, made with the default office week if there is none yet."""
    row = find_calendar()
    if row is None:
        row = BusinessCalendar(name=str(current_app.config["TICKET_CALENDAR"] or "工单"),
                               hours=json.dumps(DEFAULT_WEEK, ensure_ascii=False), statutory=True)
        db.session.add(row)
        db.session.flush()
    return row


def _current() -> dict[str, Any]:
    """What the forms show when nothing was submitted."""
    row = find_calendar()
    try:
        week = week_text(row.hours) if row else dict.fromkeys(WEEKDAYS, "") | DEFAULT_WEEK
    except HoursError:
        week = dict.fromkeys(WEEKDAYS, "")
    table = configured()
    return {"sla": {f"{t}-{p}": str(table.get((t, p), "")) for t in all_types() for p in PRIORITIES},
            "week": week or dict.fromkeys(WEEKDAYS, ""), "always_open": row is not None and week is None,
            "statutory": row.statutory if row else True}


def _render(values: dict[str, Any], errors: dict[str, str], day_form: SpecialDayForm | None = None) -> str:
    row = find_calendar()
    days = db.session.scalars(select(CalendarDay).where(CalendarDay.calendar_id == row.id)
                              .order_by(CalendarDay.day)).all() if row else []
    return render_template("tickets/deadlines.html", values=values, errors=errors, types=all_types(),
                           priorities=PRIORITIES, defaults=default_hours, weekdays=WEEKDAYS,
                           weekday_names=WEEKDAY_NAMES, days=days,
                           day_form=day_form or SpecialDayForm(formdata=None, prefix="day"),
                           action_form=ActionForm(), calendar_name=current_app.config["TICKET_CALENDAR"],
                           max_hours=MAX_HOURS)


@bp.route("/deadlines", methods=["GET", "POST"])
@permission_required(PERMISSION)
def deadlines() -> str | Response:
    if request.method != "POST":
        return _render(_current(), {})
    values, errors = _read(request.form)
    if errors:
        summary = _("Nothing was saved: please correct the marked fields.")
        return _render(values, {"summary": summary, **errors})
    for type_code in all_types():
        for priority in PRIORITIES:
            text = values["sla"][f"{type_code}-{priority}"]
            save(type_code, priority, int(text) if text else None)
    row = _calendar()
    week = {} if values["always_open"] else {day: text for day, text in values["week"].items() if text}
    row.hours = json.dumps(week, ensure_ascii=False)
    row.statutory = values["statutory"]
    db.session.commit()
    flash(_("Deadlines saved; orders registered from now on use them."), "info")
    return redirect(url_for("tickets.deadlines"))


def _read(form: Any) -> tuple[dict[str, Any], dict[str, str]]:
    """The submitted values (as typed, for the form again) and the errors by field name."""
    errors: dict[str, str] = {}
    sla = {}
    for type_code in all_types():
        for priority in PRIORITIES:
            key = f"{type_code}-{priority}"
            text = str(form.get(f"sla-{key}", "")).strip()
            sla[key] = text
            if text and not (text.isdigit() and 1 <= int(text) <= MAX_HOURS):
                errors[f"sla-{key}"] = _("Give whole working hours from 1 to %(max)d, or leave it empty "
                                         "for the default.", max=MAX_HOURS)
    week = {}
    for day in WEEKDAYS:
        text = str(form.get(f"week-{day}", "")).strip()[:100]
        try:
            week[day] = normalise(text)
        except HoursError:
            week[day] = text
            errors[f"week-{day}"] = bad_hours(text)
    always_open = form.get("always_open") == "1"
    if not always_open and not errors and not any(week.values()):
        errors["week-mon"] = _("Give the hours of at least one day, or tick “Open around the clock”.")
    return {"sla": sla, "week": week, "always_open": always_open,
            "statutory": form.get("statutory") == "1"}, errors


@bp.route("/deadlines/days", methods=["POST"])
@permission_required(PERMISSION)
def deadline_day_add() -> str | Response:
    day_form = SpecialDayForm(prefix="day")
    if not day_form.validate_on_submit():
        return _render(_current(), {}, day_form)
    day, hours_text = read_special_day(day_form)
    if day_form.day.errors or day_form.hours.errors or day is None:
        return _render(_current(), {}, day_form)
    row = _calendar()
    db.session.add(CalendarDay(calendar_id=row.id, day=day, name=(day_form.name.data or "").strip(),
                               hours=hours_text))
    try:
        db.session.commit()
    except IntegrityError:  # that date is in the calendar already (or was just added)
        db.session.rollback()
        day_form.day.errors = [*day_form.day.errors,
                               _("The calendar has an entry for that date already; delete it first.")]
        return _render(_current(), {}, day_form)
    flash(_("%(day)s added to the work orders' calendar.", day=day.isoformat()), "info")
    return redirect(url_for("tickets.deadlines") + "#days")


@bp.route("/deadlines/days/<int:day_id>/delete", methods=["POST"])
@permission_required(PERMISSION)
def deadline_day_delete(day_id: int) -> Response:
    row = find_calendar()
    entry = db.session.get(CalendarDay, day_id)
    if entry is None or row is None or entry.calendar_id != row.id:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    day = entry.day.isoformat()
    db.session.delete(entry)
    db.session.commit()
    flash(_("%(day)s removed from the work orders' calendar.", day=day), "info")
    return redirect(url_for("tickets.deadlines") + "#days")
