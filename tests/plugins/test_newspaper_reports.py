"""The two Excel reports downloaded as a manager does and read back with openpyxl (every
figure checked against the orders made here), and the renewal reminder job with the
site's SMS notifier."""
from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app import api
from app.notify.models import Message
from app.pluginhost import collect
from app.pluginhost.settings import set_settings
from app.testing import submit
from plugins.newspaper import orders, reminders

ORDERS = "/reports/newspaper.orders"
CANCELS = "/reports/newspaper.cancellations"


def sheet_rows(response) -> list[tuple]:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    sheet = load_workbook(io.BytesIO(response.data)).active
    return [tuple(c.value for c in row) for row in sheet.iter_rows()]


@pytest.fixture
def history(app, paper_titles, paper_subscriber):
    """Orders on 2026-12-01 and 12-02 (Shanghai) in two districts; one on 11-30 outside."""
    other = orders.register_subscriber("李雷", "13900000002", "台江区", "八一七中路1号", "350004", "135790")
    made = [
        (paper_subscriber, "1-1", 12, 1, datetime(2026, 12, 1, 1, 0)),
        (paper_subscriber, "1-1", 3, 2, datetime(2026, 12, 1, 2, 0)),
        (other, "1-1", 12, 1, datetime(2026, 12, 2, 15, 59)),   # 23:59 on the 2nd in Shanghai
        (other, "54-17", 6, 1, datetime(2026, 12, 1, 3, 0)),
        (other, "54-17", 6, 1, datetime(2026, 12, 2, 16, 0)),   # 00:00 on the 3rd: outside
        (paper_subscriber, "54-17", 12, 1, datetime(2026, 11, 30, 15, 59)),  # 23:59 on 11-30: outside
    ]
    rows = []
    for person, code, months, copies, at in made:
        row = orders.subscribe(person, paper_titles[code], months, copies, day=date(2026, 11, 25)).row
        row.created_at = at
        rows.append(row)
    api.db.session.commit()
    return rows


def test_orders_by_title_district_and_period(app, login, history):
    rows = sheet_rows(submit(login("manager"), ORDERS, {"start": "2026-12-01", "end": "2026-12-02"}))
    assert rows[0] == ("邮发代号", "报刊名称", "区县", "订期", "订单数", "份数", "金额（元）")
    assert rows[1:] == [
        ("1-1", "人民日报", "台江区", "年订", 1, 1, 576),
        ("1-1", "人民日报", "鼓楼区", "季订", 1, 2, 288),
        ("1-1", "人民日报", "鼓楼区", "年订", 1, 1, 576),
        ("54-17", "读者", "台江区", "半年订", 1, 1, 108),
        ("合计", None, None, None, 4, 5, 1548),
    ]


def test_cancellations_with_their_refunds(app, login, history):
    first, second = history[0], history[3]
    orders.cancel(first, day=date(2027, 2, 25), by="teamlead1")   # to March served (past the 20th)
    orders.cancel(second, day=date(2026, 12, 1), by="ivr")  # before it starts
    first.cancelled_at = datetime(2027, 2, 25, 2, 0)
    second.cancelled_at = datetime(2027, 2, 26, 2, 0)
    history[1].cancelled_at = None
    api.db.session.commit()
    rows = sheet_rows(submit(login("teamlead"), CANCELS, {"start": "2027-02-25", "end": "2027-02-26"}))
    assert rows[0][:3] == ("退订时间", "订单号", "邮发代号")
    assert [r[1:] for r in rows[1:3]] == [
        (first.id, "1-1", "人民日报", "王芳", "鼓楼区", datetime(2027, 4, 1), 9, 432, "teamlead1"),
        (second.id, "54-17", "读者", "李雷", "台江区", datetime(2027, 1, 1), 6, 108, "ivr"),
    ]
    assert rows[1][0] == datetime(2027, 2, 25, 10, 0)  # shown in Shanghai time
    assert rows[3][:2] == ("合计", 2) and rows[3][7:9] == (15, 540)


def test_a_report_range_backwards_is_a_form_error(app, login):
    response = submit(login("manager"), ORDERS, {"start": "2026-12-02", "end": "2026-12-01"})
    assert response.status_code == 400 and "结束日期不能早于开始日期。" in response.get_data(as_text=True)


def test_reports_are_for_managers_and_team_leaders(app, login):
    assert login("agent").get(ORDERS).status_code == 403


def test_renewal_reminders_are_sent_once_before_the_end(app, paper_titles, paper_subscriber, monkeypatch):
    (job,) = [j for j in collect("postline_jobs") if j.plugin == "newspaper"]
    assert job.func is reminders.send_reminders
    ending = orders.subscribe(paper_subscriber, paper_titles["1-1"], 1, day=date(2026, 12, 10)).row  # to 01-31
    renewed = orders.subscribe(paper_subscriber, paper_titles["54-17"], 6, day=date(2026, 10, 1)).row  # ends 05-01
    orders.subscribe(paper_subscriber, paper_titles["54-17"], 6, day=date(2027, 4, 1))  # renewal from 05-01
    monkeypatch.setattr(reminders, "today", lambda: date(2027, 1, 10))
    assert reminders.send_reminders() == 0  # 22 days before: not yet
    monkeypatch.setattr(reminders, "today", lambda: date(2027, 1, 20))
    assert reminders.send_reminders() == 1
    assert reminders.send_reminders() == 0  # once
    (message,) = api.db.session.scalars(select(Message)).all()
    assert (message.channel, message.recipient, message.subject_type, message.subject_id) == (
        "sms", "13800000001", "newspaper_subscription", str(ending.id))
    assert "《人民日报》" in message.text and "2027-01-31" in message.text and "11185" in message.text
    monkeypatch.setattr(reminders, "today", lambda: date(2027, 4, 20))
    assert reminders.send_reminders() == 0  # the renewed one is not reminded
    api.db.session.refresh(renewed)
    assert renewed.reminded_at is None


def test_the_reminder_days_are_a_setting(app, paper_titles, paper_subscriber, monkeypatch):
    orders.subscribe(paper_subscriber, paper_titles["1-1"], 1, day=date(2026, 12, 10))
    monkeypatch.setattr(reminders, "today", lambda: date(2026, 12, 10))
    assert reminders.send_reminders() == 0
    set_settings("newspaper", {"reminder_days": 60})
    assert reminders.send_reminders() == 1


def test_a_cancelled_subscription_gets_no_reminder(app, paper_titles, paper_subscriber, monkeypatch):
    row = orders.subscribe(paper_subscriber, paper_titles["1-1"], 1, day=date(2026, 12, 10)).row
    orders.cancel(row, day=date(2026, 12, 10))
    monkeypatch.setattr(reminders, "today", lambda: date(2027, 1, 20))
    assert reminders.send_reminders() == 0
