"""The staffing forecast page: team leads and managers see the weekday × half-hour table;
agents may not; a bad form value is a message, not a 500."""
from __future__ import annotations

from datetime import timedelta, timezone

from app.cti.queue_log import store_lines
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
