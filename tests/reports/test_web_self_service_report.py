"""WEB 使用统计: the public pages' order lookups (found or not) and the work orders citizens
submitted on the web by type, per day — from a citizen's browser using the pages."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.reports.periods import today
from app.testing import submit
from app.tickets.models import WorkOrder
from app.tickets.register import register
from app.timeutil import utcnow

FORM = {"name": "李先生", "phone": "138 0013 8000", "text": "快递员没有送货上门，直接放在门口，包裹丢了。"}


@pytest.fixture
def used(app, make_user):
    citizen = app.test_client()
    for kind in ("complaint", "complaint", "suggestion"):
        assert submit(citizen, f"/public/submit/{kind}", FORM).status_code == 302
    number = db.session.scalars(select(WorkOrder.number)).first()
    for typed_number, phone in ((number, "13800138000"), (number, "13911112222"), ("20200101-00001", "13800138000")):
        assert submit(citizen, "/public/status", {"number": typed_number, "phone": phone}).status_code == 200
    phoned = register(make_user("agent"), type_code="complaint", subject="电话登记")   # not the web
    phoned.created_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    return today().isoformat()


def test_lookups_and_web_orders_per_day(used, build_report):
    built = build_report("web-self-service", start=used, end=used)
    rows = built.rows
    assert rows[0][0] == "WEB 使用统计"
    header = next(row for row in rows if row[0] == "时段")
    assert header[1:] == ("进度查询次数", "查到工单", "未查到", "查到比例", "网上提交工单数", "投诉", "建议")
    day = next(row for row in rows if isinstance(row[0], datetime))
    assert day[0].date().isoformat() == used
    assert day[1:] == (3, 1, 2, pytest.approx(1 / 3), 3, 2, 1)
    assert built.by_label()["合计"][1:] == (3, 1, 2, pytest.approx(1 / 3), 3, 2, 1)


def test_another_day_has_none(used, build_report):
    yesterday = (date.fromisoformat(used) - timedelta(days=1)).isoformat()
    assert build_report("web-self-service", start=yesterday, end=yesterday).by_label()["合计"][1:6] == (
        0, 0, 0, None, 0)


def test_the_download_is_for_managers(used, download_report):
    assert download_report("web-self-service", start=used, end=used).by_label()["合计"][5] == 3
