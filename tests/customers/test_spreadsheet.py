"""Customers from and to Excel: a file with one bad row imports nothing and says which rows
and why, in Chinese; a good one imports every row with its postcode found; the export is
the search result, with formulas neutralised."""
from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from app.calls.callers import profile
from app.customers.models import Customer
from app.extensions import db
from app.testing import submit
from app.testing.pytest_plugin import TEST_PASSWORD

HEADER = ["姓名", "类型", "电话", "账号", "证件号码", "省", "市", "区县", "详细地址", "邮编", "VIP", "黑名单", "标签"]
GOOD = ["赵磊", "个人", "13800000008，0596-7361234", "6217000011112222", "", "福建", "漳州", "华安", "华丰镇1号", "",
        "是", "否", "集邮"]


def workbook(*rows) -> bytes:
    wb = Workbook()
    wb.active.append(HEADER)
    for row in rows:
        wb.active.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def lead(app, make_user):
    client = app.test_client()
    user = make_user("teamlead")
    assert submit(client, "/auth/login", {"username": user.username, "password": TEST_PASSWORD}).status_code == 302
    return client


def upload(client, data: bytes):
    return submit(client, "/customers/import", {"file": (io.BytesIO(data), "customers.xlsx")},
                  content_type="multipart/form-data")


def test_a_file_with_bad_rows_imports_nothing_and_names_each_row_and_why(app, lead):
    bad = workbook(GOOD, ["", "个人", "13800000009"] + [""] * 10,
                   ["钱七", "机构", "abc", "", "", "", "", "", "", "12", "也许", "", ""])
    response = upload(lead, bad)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "第 3 行：姓名为空" in html
    assert "第 4 行：类型必须是 个人 或 单位" in html and "第 4 行：不是电话号码：abc" in html
    assert "第 4 行：邮编必须是六位数字" in html and "第 4 行：VIP 必须是 是 或 否" in html
    assert "第 2 行" not in html
    assert db.session.scalar(select(func.count()).select_from(Customer)) == 0


def test_a_good_file_imports_every_row_and_the_calling_number_finds_them(app, lead):
    response = upload(lead, workbook(GOOD, ["示例商贸有限公司", "单位", "01065000000", "", "", "", "", "", "", "",
                                            "", "", ""]))
    assert response.status_code == 302
    zhao = db.session.scalar(select(Customer).where(Customer.name == "赵磊"))
    assert zhao.vip and zhao.addresses[0].postcode == "363800" and zhao.tag_list == ["集邮"]
    assert profile("+8605967361234").customer_id == zhao.id
    assert db.session.scalar(select(Customer).where(Customer.kind == "company")).phone == "01065000000"


def test_not_a_workbook_is_an_error_not_a_crash(app, lead):
    response = upload(lead, b"not a workbook")
    assert response.status_code == 200 and "Excel" in response.get_data(as_text=True)


def test_the_export_is_the_search_result_with_formulas_neutralised(app, lead):
    assert upload(lead, workbook(["@SUM(A1:A9)", "个人", "13800000001"] + [""] * 10, GOOD)).status_code == 302
    response = lead.get("/customers/export.xlsx?q=13800000001&by=phone")
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    assert list(rows[0]) == HEADER and len(rows) == 2
    assert rows[1][0] == "'@SUM(A1:A9)" and rows[1][2] == "13800000001"


def test_import_and_export_need_their_permissions(app, make_user):
    client = app.test_client()
    user = make_user("agent")
    submit(client, "/auth/login", {"username": user.username, "password": TEST_PASSWORD})
    assert client.get("/customers/import").status_code == 403
    assert client.get("/customers/export.xlsx").status_code == 403


def test_the_command_imports_a_good_file_and_refuses_a_bad_one_with_its_rows(app, tmp_path):
    from flask.cli import ScriptInfo

    from app.commands import cli

    runner = app.test_cli_runner()
    info = ScriptInfo(create_app=lambda: app)
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(workbook(GOOD, ["钱七", "个人", "abc"] + [""] * 10))
    result = runner.invoke(cli, ["customers", "import", str(bad)], obj=info)
    assert result.exit_code == 2 and "第 3 行：不是电话号码：abc" in result.output
    assert [line for line in result.output.splitlines() if line.startswith("Error:")] == [
        line for line in result.output.splitlines() if "第 3 行" in line]  # one line says it all
    assert runner.invoke(cli, ["customers", "import", str(tmp_path / "none.xlsx")], obj=info).exit_code == 2
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Customer)) == 0

    good = tmp_path / "good.xlsx"
    good.write_bytes(workbook(GOOD))
    result = runner.invoke(cli, ["customers", "import", str(good)], obj=info)
    assert result.exit_code == 0 and "imported 1 customers" in result.output
    out = tmp_path / "out.xlsx"
    result = runner.invoke(cli, ["customers", "export", str(out), "--query", "赵磊"], obj=info)
    assert result.exit_code == 0, result.output
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    assert rows[1][0] == "赵磊" and rows[1][9] == "363800"


def test_a_phone_twice_in_the_file_or_already_a_customers_is_a_bad_row(app, lead):
    db.session.add(Customer(name="孙丽", phone="13800000007"))
    db.session.commit()
    twice = ["周八", "个人", "138-0000-0008", "", "", "", "", "", "", "", "", "", ""]
    known = ["孙丽", "个人", "+86 138 0000 0007", "", "", "", "", "", "", "", "", "", ""]
    html = upload(lead, workbook(GOOD, twice, known)).get_data(as_text=True)
    assert "第 3 行：电话 138-0000-0008 与第 2 行重复" in html
    assert "第 4 行：电话 +86 138 0000 0007 已是客户 孙丽（编号" in html
    assert db.session.scalar(select(func.count()).select_from(Customer)) == 1
