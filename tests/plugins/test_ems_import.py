"""Importing tracking events from the network's CSV and Excel exports, through the back
office's page: good rows stored (times converted from the centre's time to UTC), bad rows
reported row by row in Chinese, repeats skipped, new items added."""
from __future__ import annotations

import io
from datetime import datetime

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from app.audit.models import AuditLog
from app.extensions import db
from app.testing import submit
from plugins.ems.models import EmsEvent, EmsItem
from tests.plugins.ems_kit import S10_NUMBER

PAGE = "/p/ems/import"
CSV = (
    "邮件号,时间,地点,事件,机构\n"
    f"{S10_NUMBER},2026-11-20 09:05,北京市,已收寄,北京市东城区东四邮政支局\n"
    f"{S10_NUMBER},2026-11-21 10:15,上海市,正在派送,上海市黄浦区南京东路营业部\n"
    "EA123456784CN,2026-11-21 10:15,上海市,正在派送,\n"
    "1100123456789,21/11/2026,广州市,到达,\n"
    "hello,2026-11-21 10:15,上海市,到达,\n"
    "1100123456789,2026-11-22 08:00,广州市,,\n"
    "1100123456789,2026-11-22 08:00:30,广州市,已妥投，本人签收,广州市越秀区中山五路营业部\n"
)


@pytest.fixture
def clerk(client_for, make_user):
    return client_for(make_user("backoffice"))


def upload(client, name: str, data: bytes):
    return submit(client, PAGE, {"file": (io.BytesIO(data), name)}, page=PAGE,
                  content_type="multipart/form-data")


def html(response) -> str:
    return response.get_data(as_text=True)


def events() -> list[tuple[str, datetime, str, str]]:
    db.session.expire_all()
    rows = db.session.execute(select(EmsItem.number, EmsEvent.at, EmsEvent.event, EmsEvent.status)
                              .join(EmsItem, EmsItem.id == EmsEvent.item_id).order_by(EmsEvent.at))
    return [tuple(r) for r in rows]


def test_a_csv_import_stores_good_rows_and_reports_bad_ones_row_by_row(app, clerk):
    response = upload(clerk, "events.csv", CSV.encode("utf-8-sig"))
    page = html(response)
    assert response.status_code == 200
    assert 'data-added="3" data-skipped="0" data-errors="4"' in page
    assert ('data-row="4"' in page and "EA123456784CN：校验位错误" in page)
    assert 'data-row="5"' in page and "时间“21/11/2026”不是" in page
    assert 'data-row="6"' in page and "“hello”不是邮件号码" in page
    assert 'data-row="7"' in page and "处理情况为空" in page
    assert events() == [
        (S10_NUMBER, datetime(2026, 11, 20, 1, 5), "已收寄", "accepted"),  # 09:05 in Shanghai is 01:05 UTC
        (S10_NUMBER, datetime(2026, 11, 21, 2, 15), "正在派送", "out_for_delivery"),
        ("1100123456789", datetime(2026, 11, 22, 0, 0, 30), "已妥投，本人签收", "delivered"),
    ]
    item = db.session.scalar(select(EmsItem).where(EmsItem.number == S10_NUMBER))
    assert (item.kind, item.serial) == ("s10", "123456785")
    audit = db.session.scalar(select(AuditLog).where(AuditLog.object_type == "ems_event"))
    assert audit.action == "import" and '"added": 3' in audit.after


def test_importing_the_same_file_again_adds_nothing(app, clerk):
    upload(clerk, "events.csv", CSV.encode("utf-8"))
    page = html(upload(clerk, "events.csv", CSV.encode("utf-8")))
    assert 'data-added="0" data-skipped="3" data-errors="4"' in page
    assert len(events()) == 3


def test_a_gb18030_csv_with_english_headers(app, clerk):
    text = f"number,time,event\n{S10_NUMBER},2026-11-20 09:05,已收寄\n"
    page = html(upload(clerk, "old.csv", text.encode("gb18030")))
    assert 'data-added="1"' in page and events()[0][2] == "已收寄"


def test_an_excel_import_reads_dates_and_text(app, clerk):
    book = Workbook()
    sheet = book.active
    sheet.append(["事件", "邮件号", "时间", "地点"])
    sheet.append(["到达【上海处理中心】", S10_NUMBER, datetime(2026, 11, 21, 8, 0), "上海市"])
    sheet.append(["离开", "EA000000000CN", "2026-11-21 09:00", ""])
    data = io.BytesIO()
    book.save(data)
    page = html(upload(clerk, "events.xlsx", data.getvalue()))
    assert 'data-added="1"' in page and 'data-errors="1"' in page and 'data-row="3"' in page
    assert events() == [(S10_NUMBER, datetime(2026, 11, 21, 0, 0), "到达【上海处理中心】", "arrived")]


@pytest.mark.parametrize("name, data, error", [
    ("events.csv", "foo,bar\n1,2\n".encode(), "缺少：邮件号、时间、事件"),
    ("events.csv", b"", "文件是空的"),
    ("events.xlsx", b"not a workbook", "不是 Excel 工作簿"),
    ("events.txt", b"x", "只能读取 .csv 和 .xlsx 文件"),
])
def test_a_file_that_cannot_be_read_is_a_chinese_error(app, clerk, name, data, error):
    response = upload(clerk, name, data)
    assert response.status_code == 400 and error in html(response)
    assert events() == []


def test_agents_may_not_import(app, client_for, make_user):
    assert client_for(make_user("agent")).get(PAGE).status_code == 403


# --- from the command line ---------------------------------------------------------------------

def test_the_command_imports_a_file_and_lists_the_bad_rows(app, tmp_path):
    path = tmp_path / "feed.csv"
    path.write_text(CSV, encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["ems-import", str(path)])
    assert result.exit_code == 1  # some rows were refused
    assert "新增 3 条轨迹" in result.stdout
    assert "feed.csv:4: EA123456784CN：校验位错误。" in result.stderr
    assert len(events()) == 3
    again = app.test_cli_runner().invoke(args=["ems-import", str(path)])
    assert "新增 0 条轨迹" in again.stdout and len(events()) == 3


def test_the_command_refuses_a_file_it_cannot_read(app, tmp_path):
    path = tmp_path / "feed.csv"
    path.write_text("foo,bar\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["ems-import", str(path)])
    assert result.exit_code == 2 and "缺少" in result.output
