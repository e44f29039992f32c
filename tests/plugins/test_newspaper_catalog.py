"""The catalog's Excel import as the back office uses it: a real .xlsx uploaded through the
page, good rows saved (prices in yuan become fen), every bad row reported with its number
and what is wrong, a second import of the same sheet changing nothing."""
from __future__ import annotations

import io
import re
from datetime import date, datetime

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from app import api
from app.testing import submit
from plugins.newspaper.importer import import_catalog, yuan_to_fen
from plugins.newspaper.models import NewspaperTitle

IMPORT = "/p/newspaper/import"
HEADER = ["邮发代号", "报刊名称", "出版单位", "刊期", "每期定价(元)", "月价(元)", "可订期限", "收订截止日", "停止收订日期"]


def workbook(*rows, header=HEADER) -> bytes:
    wb = Workbook()
    sheet = wb.active
    sheet.append(header)
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


GOOD = [
    ("1-1", "人民日报", "人民日报社", "日刊", 2, 48, "月,季,半年,年", 20, None),
    ("82-125", "福建日报", "福建日报社", "日刊", "1.50", 39.5, "1,3,6,12", 15, datetime(2027, 11, 30)),
    ("54-17", "读者", "读者出版集团", "半月刊", 9, 18, "半年、年", "", None),
]
BAD = [
    ("1_1", "错代号", "", "日刊", 1, 10, "年", 20, None),             # row 5
    ("3-3", "", "", "周刊", 1, 10, "年", 20, None),                   # row 6: no title
    ("4-4", "负价", "", "周刊", 1, -10, "年", 20, None),              # row 7
    ("5-5", "三位小数", "", "周刊", 1.005, 10, "年", 20, None),       # row 8
    ("6-6", "错订期", "", "周刊", 1, 10, "两年", 20, None),           # row 9
    ("7-7", "错刊期", "", "年鉴", 1, 10, "年", 20, None),             # row 10
    ("8-8", "错截止日", "", "周刊", 1, 10, "年", 31, None),           # row 11
    ("1-1", "重复", "", "日刊", 1, 10, "年", 20, None),               # row 12: 1-1 is on row 2
    ("9-9", "错日期", "", "周刊", 1, 10, "年", 20, "明年"),           # row 13
]


def titles() -> dict[str, NewspaperTitle]:
    api.db.session.expire_all()
    return {t.code: t for t in api.db.session.scalars(select(NewspaperTitle))}


def upload(client, data: bytes, name: str = "catalog.xlsx"):
    return submit(client, IMPORT, {"workbook": (io.BytesIO(data), name)}, content_type="multipart/form-data")


@pytest.fixture
def backoffice(login):
    return login("backoffice")


def test_yuan_become_fen_without_rounding():
    assert [yuan_to_fen(v) for v in (1.5, "1.50", 48, "０.０５", "¥2", 0)] == [150, 150, 4800, 5, 200, 0]
    assert [yuan_to_fen(v) for v in (1.005, "-1", "abc", None, "", True)] == [None] * 6


def test_an_import_saves_the_good_rows_and_reports_each_bad_one(app, backoffice):
    response = upload(backoffice, workbook(*GOOD, *BAD))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'data-counts="3 0 0 9"' in page
    reported = dict(re.findall(r'<tr data-row="(\d+)"><td>\d+</td><td>([^<]+)</td>', page))
    assert sorted(int(n) for n in reported) == list(range(5, 14))
    assert "1_1" in reported["5"] and "邮发代号" in reported["5"]
    assert reported["6"] == "报刊名称为空"
    assert "月价" in reported["7"] and "每期定价" in reported["8"] and "可订期限" in reported["9"]
    assert "年鉴" in reported["10"] and "收订截止日" in reported["11"]
    assert reported["12"] == "邮发代号 1-1 已在第 2 行出现" and "停止收订日期" in reported["13"]
    found = titles()
    assert set(found) == {"1-1", "82-125", "54-17"}
    fj = found["82-125"]
    assert (fj.price_issue_fen, fj.price_month_fen, fj.periods, fj.deadline_day, fj.orders_until, fj.frequency) == (
        150, 3950, "1,3,6,12", 15, date(2027, 11, 30), "daily")
    assert (found["54-17"].periods, found["54-17"].deadline_day, found["54-17"].frequency) == ("6,12", 20, "biweekly")


def test_the_same_sheet_again_changes_nothing_and_a_new_price_updates(app, backoffice):
    upload(backoffice, workbook(*GOOD))
    again = upload(backoffice, workbook(*GOOD)).get_data(as_text=True)
    assert 'data-counts="0 0 3 0"' in again
    changed = [list(GOOD[0]), *GOOD[1:]]
    changed[0][5] = 50
    page = upload(backoffice, workbook(*changed)).get_data(as_text=True)
    assert 'data-counts="0 1 2 0"' in page and titles()["1-1"].price_month_fen == 5000


def test_a_sheet_without_the_required_columns_is_refused_whole(app, backoffice):
    page = upload(backoffice, workbook(("1-1", "人民日报"), header=["邮发代号", "报刊名称"])).get_data(as_text=True)
    assert '<tr data-row="1">' in page and "月价(元)" in page and "可订期限" in page
    assert titles() == {}


def test_a_file_that_is_not_a_workbook_is_said_so(app, backoffice):
    page = upload(backoffice, b"not a zip", name="catalog.xlsx").get_data(as_text=True)
    assert "文件不是 Excel 工作簿（.xlsx）。" in page


def test_no_file_is_a_form_error(app, backoffice):
    response = submit(backoffice, IMPORT, {})
    assert response.status_code == 400 and "请选择文件。" in response.get_data(as_text=True)


def test_english_headers_work_too(app):
    header = ["Issuing code", "Title", "Price per month", "Periods"]
    result = import_catalog(io.BytesIO(workbook(("2-2", "Sample Weekly", "6", "3,12"), header=header)))
    assert (result.added, result.errors) == (1, []) and titles()["2-2"].price_month_fen == 600


def test_agents_may_not_import(app, login):
    agent = login("agent")
    assert agent.get(IMPORT).status_code == 403
    assert "从 Excel 导入报刊目录" not in agent.get("/p/newspaper/").get_data(as_text=True)


def test_the_import_command_reports_each_refused_row(app, tmp_path):
    path = tmp_path / "catalog.xlsx"
    path.write_bytes(workbook(*GOOD, BAD[1]))
    result = app.test_cli_runner().invoke(args=["newspaper-import", str(path)])
    assert result.exit_code == 1
    assert result.output.splitlines() == ["added 3, updated 0, unchanged 0, refused 1", "row 5: 报刊名称为空"]
    path.write_bytes(workbook(*GOOD))
    again = app.test_cli_runner().invoke(args=["newspaper-import", str(path)])
    assert again.exit_code == 0 and again.output.startswith("added 0, updated 0, unchanged 3, refused 0")


def test_the_delivery_work_order_type_is_declared(app):
    from app.pluginhost import collect

    (kind,) = [t for t in collect("postline_ticket_types") if t.plugin == "newspaper"]
    assert kind.name == "newspaper_delivery" and ("报刊投递", "未收到报刊") in kind.categories
