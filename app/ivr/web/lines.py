"""The hotline lines' pages: the list of lines with their opening hours, and one line's
editor (name, agent queue, flow, weekly hours) with its holidays: the line's business
calendar (:mod:`app.calendars`), made when the line's hours are first saved.

They need ``ivr.flows`` like the flow pages. The hours are written the
way :mod:`app.calendars.hours` reads them (``08:00-12:00,13:30-17:30``); anything it refuses is
shown as a form error and nothing is saved. Holidays are configuration, not business
records: deleting one is allowed (the audit log keeps what it was)."""
from __future__ import annotations

import json
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug import Response

from app.audit.editing import changed_since, claim, seen_version
from app.auth.permissions import permission_required
from app.calendars.day_form import SpecialDayForm, bad_hours, read_special_day
from app.calendars.hours import WEEKDAYS, HoursError, normalise, week_text
from app.calendars.models import BusinessCalendar, CalendarDay
from app.extensions import db
from app.ivr.flows.hours import stale_hours
from app.ivr.lines import find_line
from app.ivr.models import IVRFlow, IVRLine
from app.ivr.web.blueprint import bp
from app.ivr.web.forms import ActionForm, LineForm

DAY_SHORT = {
    "mon": _l("Mon"), "tue": _l("Tue"), "wed": _l("Wed"), "thu": _l("Thu"),
    "fri": _l("Fri"), "sat": _l("Sat"), "sun": _l("Sun"),
}
HOURS_HINT = _l("Like 08:00-12:00,13:30-17:30 (24:00 ends the day); empty: closed that day.")


# --- hours as text ------------------------------------------------------------------------------

def _week(line: IVRLine) -> dict[str, str] | None:
    """The line's weekly hours as text per weekday; ``None``: open around the clock.
    Raises :class:`HoursError` when the stored value cannot be read."""
    return week_text(line.calendar.hours if line.calendar else None)


def _calendar_of(line: IVRLine) -> BusinessCalendar:
    """The line's calendar, made (open around the clock) if it has none yet."""
    if line.calendar is None:
        line.calendar = BusinessCalendar(name=f"{line.number} {line.name}".strip(), hours="{}")
        db.session.flush()
    return line.calendar


def hours_summary(line: IVRLine) -> str:
    """``周一至周五 08:30-17:30；周六至周日 休息`` – consecutive days with equal hours grouped."""
    try:
        week = _week(line)
    except HoursError:
        return _("Unreadable opening hours")
    if week is None:
        return _("Open around the clock")
    groups: list[tuple[list[str], str]] = []
    for day in WEEKDAYS:
        text = week[day]
        if groups and groups[-1][1] == text:
            groups[-1][0].append(day)
        else:
            groups.append(([day], text))
    parts = []
    closed = _("closed")
    for days, text in groups:
        span = str(DAY_SHORT[days[0]]) if len(days) == 1 else _(
            "%(first)s–%(last)s", first=DAY_SHORT[days[0]], last=DAY_SHORT[days[-1]])
        parts.append(f"{span} {text or closed}")
    return _("; ").join(parts)


# --- pages ------------------------------------------------------------------------------------

def _line_or_404(number: str) -> IVRLine:
    line = db.session.scalar(select(IVRLine).where(IVRLine.number == number))
    if line is None:
        abort(404)
    return line


def _holidays(line: IVRLine) -> list[CalendarDay]:
    if line.calendar_id is None:
        return []
    return list(db.session.scalars(select(CalendarDay).where(CalendarDay.calendar_id == line.calendar_id)
                                   .order_by(CalendarDay.day)).all())


def _line_form(line: IVRLine, formdata: Any = None) -> LineForm:
    form = LineForm(formdata=formdata)
    all_flows = db.session.scalars(select(IVRFlow).order_by(IVRFlow.name)).all()
    form.flow.choices = [("", _("(no flow)"))] + [
        (f.name, f"{f.name} — {f.title}" if f.title else f.name) for f in all_flows]
    if formdata is None:
        form.row_version.data = str(line.row_version)
        form.name.data = line.name
        form.queue.data = line.queue
        current = db.session.get(IVRFlow, line.flow_id) if line.flow_id else None
        form.flow.data = current.name if current else ""
        try:
            week = _week(line)
        except HoursError:
            week = {day: "" for day in WEEKDAYS}
            form.always_open.errors = [_("The stored opening hours cannot be read; enter them again.")]
        form.always_open.data = week is None
        for day in WEEKDAYS:
            getattr(form, day).data = (week or {}).get(day, "")
    return form


def _render(line: IVRLine, form: LineForm, holiday_form: SpecialDayForm, status: int = 200) -> tuple[str, int]:
    info = find_line(line.number) if line.active else None
    return render_template("ivr/line.html", line=line, form=form, holiday_form=holiday_form,
                           holidays=_holidays(line), weekdays=WEEKDAYS, hours_hint=HOURS_HINT,
                           action_form=ActionForm(), stale=stale_hours(info) if info else []), status


@bp.route("/lines")
@permission_required("ivr.flows")
def line_list() -> str:
    rows = db.session.execute(
        select(IVRLine, IVRFlow).outerjoin(IVRFlow, IVRFlow.id == IVRLine.flow_id).order_by(IVRLine.number)
    ).all()
    return render_template("ivr/lines.html",
                           lines=[(line, flow, hours_summary(line)) for line, flow in rows])


@bp.route("/lines/<number>", methods=["GET", "POST"])
@permission_required("ivr.flows")
def line_edit(number: str) -> tuple[str, int] | Response:
    line = _line_or_404(number)
    if request.method != "POST":
        return _render(line, _line_form(line), SpecialDayForm(formdata=None, prefix="holiday"))
    form = _line_form(line, request.form)
    holiday_form = SpecialDayForm(formdata=None, prefix="holiday")
    if not form.validate_on_submit():
        return _render(line, form, holiday_form, 400 if form.csrf_token.errors else 200)
    week: dict[str, str] = {}
    for day in WEEKDAYS:
        field = getattr(form, day)
        text = (field.data or "").strip()
        try:
            normalised = normalise(text)
        except HoursError:
            field.errors = [*field.errors, bad_hours(text)]
            continue
        if normalised:
            week[day] = normalised
    if any(getattr(form, day).errors for day in WEEKDAYS):
        return _render(line, form, holiday_form)
    if form.always_open.data:
        week = {}
    elif not week:
        form.always_open.errors = [_("Give the hours of at least one day, or tick “Open around the clock”.")]
        return _render(line, form, holiday_form)
    flow = None
    if form.flow.data:
        flow = db.session.scalar(select(IVRFlow).where(IVRFlow.name == form.flow.data))
        if flow is None:
            form.flow.errors = [_("Flow %(name)s does not exist.", name=form.flow.data)]
            return _render(line, form, holiday_form)
    if not claim(line, seen_version(form.row_version.data, line), current_user.username):
        form.name.errors = [*form.name.errors, changed_since(line)]
        return _render(line, form, holiday_form)
    line.name = form.name.data.strip()
    line.queue = (form.queue.data or "").strip()
    line.flow_id = flow.id if flow else None
    _calendar_of(line).hours = json.dumps(week, ensure_ascii=False)
    db.session.commit()
    flash(_("Line %(number)s saved; new calls use it.", number=line.number), "info")
    return redirect(url_for("ivr.line_edit", number=line.number))


@bp.route("/lines/<number>/holidays", methods=["POST"])
@permission_required("ivr.flows")
def holiday_add(number: str) -> tuple[str, int] | Response:
    line = _line_or_404(number)
    holiday_form = SpecialDayForm(prefix="holiday")
    form = _line_form(line)
    if not holiday_form.validate_on_submit():
        return _render(line, form, holiday_form, 400 if holiday_form.csrf_token.errors else 200)
    day, hours_text = read_special_day(holiday_form)
    if day is not None and line.calendar_id is not None and db.session.scalar(select(CalendarDay.id).where(
            CalendarDay.calendar_id == line.calendar_id, CalendarDay.day == day)) is not None:
        holiday_form.day.errors = [*holiday_form.day.errors,
                                   _("This line has an entry for that date already; delete it first.")]
    if holiday_form.day.errors or holiday_form.hours.errors or day is None:
        return _render(line, form, holiday_form)
    db.session.add(CalendarDay(calendar_id=_calendar_of(line).id, day=day,
                               name=(holiday_form.name.data or "").strip(), hours=hours_text))
    try:
        db.session.commit()
    except IntegrityError:  # the same date added at the same moment by someone else
        db.session.rollback()
        holiday_form.day.errors = [*holiday_form.day.errors,
                                   _("This line has an entry for that date already; delete it first.")]
        line = _line_or_404(number)
        return _render(line, _line_form(line), holiday_form)
    flash(_("%(day)s added to the calendar of line %(number)s.", day=day.isoformat(), number=line.number),
          "info")
    return redirect(url_for("ivr.line_edit", number=line.number) + "#holidays")


@bp.route("/lines/<number>/holidays/<int:holiday_id>/delete", methods=["POST"])
@permission_required("ivr.flows")
def holiday_delete(number: str, holiday_id: int) -> Response:
    line = _line_or_404(number)
    holiday = db.session.get(CalendarDay, holiday_id)
    if holiday is None or line.calendar_id is None or holiday.calendar_id != line.calendar_id:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    day = holiday.day.isoformat()
    db.session.delete(holiday)
    db.session.commit()
    flash(_("%(day)s removed from the calendar of line %(number)s.", day=day, number=line.number), "info")
    return redirect(url_for("ivr.line_edit", number=line.number) + "#holidays")
