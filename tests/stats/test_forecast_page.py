"""The staffing forecast page: team leads and managers see the weekday × half-hour table;
agents may not; a bad form value is a message, not a 500."""
from __future__ import annotations

import io
import json
import re
from datetime import timedelta, timezone

from flask.cli import ScriptInfo
from openpyxl import load_workbook

from app.commands import cli
from app.cti.queue_log import store_lines
from app.extensions import db
from app.stats.erlang import agents_needed
from app.testing import submit
from app.timeutil import local, utcnow


def test_manager_sees_the_table(login):
    client = login("manager")
    response = client.get("/stats/forecast?weeks=2&sl=80&threshold=20&shrinkage=30")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'data-slot="2-20"' in page
    assert "10:00" in page


def test_recent_calls_show_as_agents(app, login):
    at = utcnow() - timedelta(days=7)      # a week ago: inside the default 4 weeks
    t0 = int(at.replace(tzinfo=timezone.utc).timestamp())
    there = local(at)
    key = f"{there.isoweekday()}-{there.hour * 2 + there.minute // 30}"
    lines = [f"{t0}|c1|q-post|NONE|ENTERQUEUE||1|1", f"{t0 + 5}|c1|q-post|Agent 8001|CONNECT|4|c1.2|3",
             f"{t0 + 65}|c1|q-post|Agent 8001|COMPLETECALLER|4|60|1"]
    store_lines(lines, "test")
    client = login("teamlead")
    response = client.get("/stats/forecast")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    # one call in four weeks: 0.25 a week on average, still at least one agent (two with
    # the default 30 % shrinkage)
    cell = page.split(f'data-slot="{key}">', 1)[1].split("</td>", 1)[0]
    assert cell == "2 <small>(0.25)</small>"


def test_agents_may_not_open_it(login):
    assert login("agent").get("/stats/forecast").status_code == 403


def test_bad_value_is_a_message(login):
    response = login("manager").get("/stats/forecast?sl=150")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "服务水平目标" in page and "必须在 1 与 99 之间" in page   # the field's Chinese label, not "sl"


def _busy_half_hour(calls: int = 60, talk: int = 300) -> str:
    """``calls`` answered calls (10 s wait, ``talk`` s each) inside one half-hour a week
    ago; returns that slot's ``data-slot`` key."""
    there = local(utcnow() - timedelta(days=7))
    start = there.replace(minute=30 * (there.minute // 30), second=0, microsecond=0)
    t0 = int(start.timestamp())
    lines = []
    for n in range(calls):
        at = t0 + n * 20
        lines += [f"{at}|b{n}|q-post|NONE|ENTERQUEUE||1|1",
                  f"{at + 10}|b{n}|q-post|Agent 8001|CONNECT|10|b{n}.2|3",
                  f"{at + 10 + talk}|b{n}|q-post|Agent 8001|COMPLETECALLER|10|{talk}|1"]
    store_lines(lines, "test")
    db.session.commit()
    return f"{start.isoweekday()}-{start.hour * 2 + start.minute // 30}"


def _cell(page: str, key: str) -> int:
    return int(page.split(f'data-slot="{key}">', 1)[1].split("<", 1)[0].strip())


def test_a_stricter_asa_target_asks_for_more_agents(app, login):
    key = _busy_half_hour()
    client = login("manager")
    base = "/stats/forecast?weeks=1&sl=80&threshold=20&shrinkage=0"
    sl_only = _cell(client.get(base).get_data(as_text=True), key)
    lenient = _cell(client.get(base + "&asa=60").get_data(as_text=True), key)
    strict = _cell(client.get(base + "&asa=2").get_data(as_text=True), key)
    # 60 calls of 300 s in 30 minutes: 10 erlangs
    assert sl_only == agents_needed(60, 1800, 300, 0.8, 20).agents
    assert lenient == sl_only                  # the SL target already gives an ASA under 60 s
    assert strict == agents_needed(60, 1800, 300, 0.8, 20, target_asa_s=2).agents
    assert strict > sl_only


def test_chosen_weekdays_only_and_a_chart_of_them(login):
    page = login("manager").get("/stats/forecast?weekdays=1&weekdays=6").get_data(as_text=True)
    assert 'data-slot="1-20"' in page and 'data-slot="6-20"' in page
    assert 'data-slot="2-20"' not in page
    spec = json.loads(page.split('data-chart-spec="forecast">', 1)[1].split("</script>", 1)[0])
    assert [s["name"] for s in spec["series"]] == ["周一", "周六"]
    assert len(spec["categories"]) == 48 and spec["categories"][20] == "10:00"
    assert "echarts.min.js" in page


def test_not_a_number_is_a_message(login):
    response = login("manager").get("/stats/forecast?weeks=abc&asa=0")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "周数 必须是数字" in page
    assert "平均应答速度目标（秒） 必须在 1 与 3600 之间" in page


def test_forecast_downloads_as_excel(app, login):
    key = _busy_half_hour()
    client = login("teamlead")
    page = client.get("/stats/forecast?weeks=1&asa=5&shrinkage=20").get_data(as_text=True)
    download = page.split('<form method="post" action="/reports/forecast"', 1)[1].split("</form>", 1)[0]
    fields: dict[str, list[str]] = {}
    for name, value in re.findall(r'name="([a-z_]+)" value="([^"]*)"', download):
        fields.setdefault(name, []).append(value)
    assert fields["asa"] == ["5"] and fields["weekdays"] == [str(d) for d in range(1, 8)]
    response = client.post("/reports/forecast", data=fields)
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    book = load_workbook(io.BytesIO(response.data))
    plan = book.worksheets[0]
    assert plan["A1"].value == "排班预测"
    assert "平均应答速度不超过 5 秒" in plan["A2"].value
    assert [c.value for c in plan[3]][:3] == ["半小时时段", "周一", "周二"]
    weekday, slot = (int(n) for n in key.split("-"))
    assert plan.cell(row=4 + slot, column=1 + weekday).value == _cell(page, key)
    assert plan.freeze_panes == "A4"
    detail = book.worksheets[1]
    assert [c.value for c in detail[3]][0:2] == ["星期", "半小时时段"]
    assert len(list(detail.iter_rows(min_row=4))) == 7 * 48


def test_reports_page_offers_the_forecast(login):
    client = login("manager")
    assert "/reports/forecast" in client.get("/reports/").get_data(as_text=True)
    response = submit(client, "/reports/forecast", {"weeks": "2", "weekdays": ["1", "2"]})
    assert response.status_code == 200
    plan = load_workbook(io.BytesIO(response.data)).worksheets[0]
    assert [c.value for c in plan[3]] == ["半小时时段", "周一", "周二"]


def test_forecast_builds_from_the_command_line(app, tmp_path):
    out = tmp_path / "forecast.xlsx"
    result = app.test_cli_runner().invoke(
        cli, ["reports", "build", "forecast", "--from", "2026-11-01", "--to", "2026-11-30", "-o", str(out)],
        obj=ScriptInfo(create_app=lambda: app))
    assert result.exit_code == 0, result.output
    plan = load_workbook(out).worksheets[0]
    assert "2026-12-01" in plan["A2"].value        # learned from the weeks before the day after --to
    assert plan.max_row == 3 + 48 + 1


def test_no_weekday_ticked_shows_every_day_ticked(login):
    page = login("manager").get("/stats/forecast?weeks=2").get_data(as_text=True)
    assert page.count('name="weekdays" type="checkbox" value=') == 7
    assert page.count("checked") == 7
    assert 'data-slot="7-20"' in page
