"""Reminders through PostLine's message log and the site's SMS notifier (the core's outbox
here): repayment due within the setting's days, rate changes to members repaying a loan,
each once however often the job runs; and the line's reports opened with openpyxl."""
from __future__ import annotations

import io
import json
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.cti.queue_log import store_lines
from app.extensions import db
from app.notify.models import Message
from app.pluginhost import collect
from app.pluginhost.settings import set_settings
from app.testing import submit
from plugins.housingfund import demo
from plugins.housingfund.models import FundLoan, RateChange, Reminder
from plugins.housingfund.reminders import send_reminders
from tests.plugins.housingfund_support import PIN, ZHANG, call

TODAY = date(2026, 12, 7)  # a Monday


@pytest.fixture
def outbox(app, tmp_path):
    folder = tmp_path / "outbox"
    app.config["NOTIFY_SMS"] = "core.sms_outbox"
    app.config["NOTIFY_SMS_OUTBOX"] = str(folder)
    demo.load()
    return folder


def sms(folder) -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.iterdir())] if folder.exists() else []


def due_on(day: date) -> None:
    loan = db.session.scalar(select(FundLoan).where(FundLoan.contract == "GJJ2021000001"))
    loan.next_due = day
    db.session.commit()


def test_a_repayment_due_within_the_days_is_reminded_once(app, outbox):
    due_on(TODAY + timedelta(days=3))
    assert send_reminders(TODAY) == {"due": 1, "rate": 0}
    (message,) = sms(outbox)
    assert message["to"] == "13800000001"
    assert "2482.67元" in message["text"] and "2026-12-10" in message["text"] and "0001" in message["text"]
    assert message["text"].startswith("【12329住房公积金】")
    assert send_reminders(TODAY) == {"due": 0, "rate": 0}
    assert send_reminders(TODAY + timedelta(days=1)) == {"due": 0, "rate": 0}
    assert len(sms(outbox)) == 1
    (row,) = db.session.scalars(select(Reminder)).all()
    assert db.session.get(Message, row.message_id).status == "queued"


def test_a_repayment_due_later_than_the_setting_waits(app, outbox):
    due_on(TODAY + timedelta(days=5))
    assert send_reminders(TODAY)["due"] == 0
    set_settings("housingfund", {"reminder_days": 5})
    db.session.commit()
    assert send_reminders(TODAY)["due"] == 1


def test_a_rate_change_goes_to_every_member_repaying_a_loan_once(app, outbox):
    due_on(TODAY + timedelta(days=20))
    db.session.add(RateChange(effective_on=date(2027, 1, 1), new_rate_bp=260))
    db.session.commit()
    assert send_reminders(TODAY) == {"due": 0, "rate": 1}  # 李四's loan is still under review
    (message,) = sms(outbox)
    assert "2.60%" in message["text"] and "2027-01-01" in message["text"]
    assert send_reminders(TODAY)["rate"] == 0


def test_the_reminder_job_is_declared_for_the_worker(app):
    (job,) = [j for j in collect("postline_jobs") if j.plugin == "housingfund"]
    assert (job.name, job.trigger, job.trigger_args) == ("reminders", "cron", {"hour": 9, "minute": 0})


def test_the_self_service_report_counts_identifications_and_bookings(app, login):
    demo.load()
    call(app, "balance", ["1", ZHANG, PIN])
    call(app, "booking", ["1", ZHANG, PIN, "1", "2", "1"])
    client = login("manager")
    day = call_day()
    response = submit(client, "/reports/housingfund.bookings", {"start": day, "end": day})
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    wb = load_workbook(io.BytesIO(response.data))
    identified = list(wb.worksheets[0].iter_rows(values_only=True))
    assert identified[0] == ("日期", "验证方式", "来电人数")
    assert [row[1:] for row in identified[1:]] == [("公积金账号", 2)]
    booked = list(wb.worksheets[1].iter_rows(values_only=True))
    assert [row[1:] for row in booked[1:]] == [("贷款申请", "东城管理部", "电话自助", 1)]


def call_day() -> str:
    from app.timeutil import local, utcnow

    return local(utcnow()).date().isoformat()


def test_the_line_statistics_are_the_core_report_with_the_plugin_enabled(app, login):
    """Seed 004 §3.3 is the core's housingfund-12329 report; the plugin declares no copy."""
    names = [r.name for r in collect("postline_reports")]
    assert "housingfund-12329" in names and [n for n in names if n.startswith("housingfund.")] == [
        "housingfund.bookings"]
    t0 = 1796090400  # 2026-12-01 10:00 in Shanghai
    store_lines([f"{t0}|h1|postline-12329|NONE|ENTERQUEUE||13800138000|1",
                 f"{t0 + 10}|h1|postline-12329|Agent 8001|CONNECT|10|h1.1|2",
                 f"{t0 + 110}|h1|postline-12329|Agent 8001|COMPLETECALLER|10|100|1",
                 f"{t0 + 60}|h2|postline-12329|NONE|ENTERQUEUE||13800138001|1",
                 f"{t0 + 80}|h2|postline-12329|NONE|ABANDON|1|1|20"], "test")
    values = {"start": "2026-12-01", "end": "2026-12-01", "period": "day", "queue": ""}
    response = submit(login("manager"), "/reports/housingfund-12329", values)
    assert response.status_code == 200
    daily = list(load_workbook(io.BytesIO(response.data))["12329 日报"].iter_rows(values_only=True))
    total = next(row for row in daily if row[0] == "合计")
    assert total[1:4] == (2, 1, 1)
    assert total[4] == pytest.approx(0.5) and total[5] == pytest.approx(1.0)
    assert total[7] == pytest.approx(100) and total[8] == pytest.approx(10)
