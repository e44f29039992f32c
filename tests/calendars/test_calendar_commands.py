"""``postline calendars list|show|statutory``: an administrator sees which hours a calendar
keeps day by day and why (its own day, a statutory holiday, a 调休 working day), and turns
the statutory calendar on or off, audited as ``cli:<login>``."""
from __future__ import annotations

import json
from datetime import date

from sqlalchemy import select

from app.audit.models import AuditLog
from app.calendars.models import BusinessCalendar, CalendarDay
from app.extensions import db

WORKDAYS = {day: "08:30-12:00,13:30-17:00" for day in ("mon", "tue", "wed", "thu", "fri")}


def _run(app, *args):
    result = app.test_cli_runner().invoke(args=["calendars", *args])
    db.session.expire_all()
    return result


def _calendar(statutory=False, name="12329 公积金"):
    calendar = BusinessCalendar(name=name, hours=json.dumps(WORKDAYS), statutory=statutory)
    db.session.add(calendar)
    db.session.flush()
    db.session.add(CalendarDay(calendar_id=calendar.id, day=date(2026, 2, 24), name="搬迁"))
    db.session.commit()
    return calendar


def test_show_lists_each_day_with_its_hours_and_why(app):
    calendar = _calendar(statutory=True)
    result = _run(app, "show", "12329 公积金", "--from", "2026-02-13", "--to", "2026-02-24")
    assert result.exit_code == 0, result.output
    lines = dict(line.split("\t", 1) for line in result.output.splitlines())
    assert lines["2026-02-13"] == "fri\t08:30-12:00,13:30-17:00\tweekly hours"
    assert lines["2026-02-14"] == "sat\t08:30-12:00,13:30-17:00\tstatutory working day (调休) Spring Festival"
    assert lines["2026-02-16"] == "mon\tclosed\tstatutory holiday Spring Festival"
    assert lines["2026-02-24"] == "tue\tclosed\tsite day 搬迁"
    assert _run(app, "show", str(calendar.id), "--from", "2026-02-14", "--to", "2026-02-14").output \
        == lines["2026-02-14"].join(["2026-02-14\t", "\n"])


def test_statutory_on_and_off_changes_the_calendar_and_is_audited(app):
    calendar = _calendar()
    assert _run(app, "list").output.splitlines() == [f"{calendar.id}\t12329 公积金\town-days-only\tweekly-hours"]
    result = _run(app, "statutory", str(calendar.id), "on")
    assert result.exit_code == 0, result.output
    assert db.session.get(BusinessCalendar, calendar.id).statutory
    assert "\tsat\tclosed\tweekly hours" not in _run(app, "show", str(calendar.id), "--from", "2026-02-14",
                                                    "--to", "2026-02-14").output
    assert _run(app, "statutory", "12329 公积金", "off").exit_code == 0
    assert not db.session.get(BusinessCalendar, calendar.id).statutory
    changes = db.session.scalars(select(AuditLog).where(AuditLog.object_type == "calendar",
                                                        AuditLog.action == "update")).all()
    assert len(changes) == 2 and all(change.actor.startswith("cli:") for change in changes)


def test_bad_input_is_one_line_and_exit_2(app):
    _calendar()
    _calendar(name="twin"), _calendar(name="twin")
    for args, message in [(("show", "nope"), "no calendar 'nope'"),
                          (("show", "twin"), "2 calendars are named 'twin'"),
                          (("show", "12329 公积金", "--from", "2026-13-01"), "is not a date"),
                          (("show", "12329 公积金", "--from", "2026-03-01", "--to", "2026-02-01"), "before"),
                          (("show", "12329 公积金", "--from", "2026-01-01", "--to", "2027-06-01"), "at most"),
                          (("statutory", "12329 公积金", "maybe"), "Invalid value")]:
        result = _run(app, *args)
        assert result.exit_code == 2 and message in result.output, (args, result.output)


def test_a_year_without_statutory_data_is_said_and_shown_with_weekly_hours(app):
    calendar = _calendar(statutory=True)
    result = _run(app, "show", str(calendar.id), "--from", "2099-01-05", "--to", "2099-01-05")
    assert result.exit_code == 0
    assert result.output.splitlines() == ["note: no statutory data for 2099 in chinesecalendar: weekly hours only",
                                          "2099-01-05\tmon\t08:30-12:00,13:30-17:00\tweekly hours"]
