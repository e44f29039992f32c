"""The EMS reports as a team leader downloads them, opened with openpyxl and their
numbers checked: tracking queries per centre day and channel, pickup bookings per district
and status."""
from __future__ import annotations

import io
import json
from datetime import datetime, timedelta

from openpyxl import load_workbook

from app.calls.models import CallRecord
from app.extensions import db
from app.ivr.simulator import simulate
from app.testing import submit
from plugins.ems.models import EmsPickup, EmsQuery
from plugins.ems.report import today
from tests.plugins.ems_kit import add_item, queries

QUERIES = "/reports/ems.queries"
PICKUPS = "/reports/ems.pickups"


def rows_of(response) -> tuple[list, list[tuple]]:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.data)).active
    header = [c.value for c in sheet[1]]
    return header, [tuple(c.value for c in row) for row in sheet.iter_rows(min_row=2)]


def query(at: datetime, channel: str, found: bool = True) -> None:
    db.session.add(EmsQuery(at=at, channel=channel, number="EA123456785CN", found=found))


def test_queries_per_local_day_and_channel(app, login):
    query(datetime(2026, 3, 1, 15, 59), "ivr")                  # 1 March 23:59 in Shanghai
    query(datetime(2026, 3, 1, 16, 0), "ivr")                   # 2 March 00:00
    query(datetime(2026, 3, 2, 1, 0), "agent", found=False)
    query(datetime(2026, 3, 2, 2, 0), "agent")
    query(datetime(2026, 3, 2, 3, 0), "web")
    query(datetime(2026, 3, 2, 16, 0), "ivr")                   # 3 March: outside
    query(datetime(2026, 2, 28, 15, 59), "agent")               # 28 February: outside
    db.session.commit()
    header, rows = rows_of(submit(login("teamlead"), QUERIES, {"start": "2026-03-01", "end": "2026-03-02"}))
    assert header == ["日期", "语音自助", "坐席", "网站", "合计", "未查到"]
    assert [(r[0].date().isoformat(), *r[1:]) for r in rows] == [
        ("2026-03-01", 1, 0, 0, 1, 0),
        ("2026-03-02", 1, 2, 1, 4, 1),
    ]


def test_a_call_and_an_agent_search_are_counted_in_their_channels(app, login):
    add_item()
    simulate(app, "", ["123456785", "9"], script="node/ems.track?line=11185", dry_run=False)
    simulate(app, "", ["1100000000000", "0"], script="node/ems.track?line=11185", dry_run=False)
    agent = login("agent")
    agent.get("/p/ems/?number=EA123456785CN")
    assert sorted((q.channel, q.found) for q in queries()) == [("agent", True), ("ivr", False), ("ivr", True)]
    records = db.session.query(CallRecord).all()
    assert all(json.loads(r.data).get("ems.number") for r in records)
    manager = login("manager")
    day = today().isoformat()
    _, rows = rows_of(submit(manager, QUERIES, {"start": day, "end": day}))
    ((_, ivr, by_agent, web, total, none),) = rows
    assert (ivr, by_agent, web, total, none) == (2, 1, 0, 3, 1)


def pickup(district: str, status: str, created_at: datetime) -> None:
    db.session.add(EmsPickup(contact_name="张伟", phone="13800000001", district=district, address="一号",
                             window_start=created_at + timedelta(days=1),
                             window_end=created_at + timedelta(days=1, hours=2), status=status,
                             created_at=created_at))


def test_pickups_per_district_and_status(app, login):
    day = datetime(2026, 3, 2, 2, 0)
    for district, status in (("东城区", "booked"), ("东城区", "booked"), ("东城区", "done"),
                             ("朝阳区", "cancelled"), ("朝阳区", "done")):
        pickup(district, status, day)
    pickup("海淀区", "booked", datetime(2026, 3, 2, 16, 0))  # 3 March local: outside
    db.session.commit()
    header, rows = rows_of(submit(login("manager"), PICKUPS, {"start": "2026-03-01", "end": "2026-03-02"}))
    assert header == ["区县", "已预约", "已揽收", "已取消", "合计"]
    assert rows == [("东城区", 2, 1, 0, 3), ("朝阳区", 0, 1, 1, 2)]


def test_the_reports_are_for_team_leads_and_managers(app, login, client_for, make_user):
    page = login("manager").get("/reports/").get_data(as_text=True)
    assert 'data-report="ems.queries"' in page and 'data-report="ems.pickups"' in page
    agent = client_for(make_user("agent"))
    assert agent.get(QUERIES).status_code == 403 and agent.get(PICKUPS).status_code == 403


def test_an_end_before_the_start_is_a_chinese_error(app, login):
    response = submit(login("manager"), QUERIES, {"start": "2026-03-02", "end": "2026-03-01"})
    assert response.status_code == 400 and "结束日期不能早于开始日期" in response.get_data(as_text=True)
