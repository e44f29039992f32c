"""The manager dashboard: each chart's numbers (the JSON the chart is drawn from, and the
table beside it) match the stored calls and work orders; a bad day is a message; agents
may not open it."""
from __future__ import annotations

import json
from datetime import timedelta

from app.extensions import db
from app.tickets.models import TicketCategory
from app.tickets.register import register
from app.timeutil import day_start_utc
from tests.stats.board_data import store_day, today, weeks_before


def _specs(page: str) -> dict[str, dict]:
    specs = {}
    for part in page.split('<script type="application/json" data-chart-spec="')[1:]:
        key, rest = part.split('">', 1)
        specs[key] = json.loads(rest.split("</script>", 1)[0])
    return specs


def _values(spec: dict, series: int = 0) -> dict[str, object]:
    return dict(zip(spec["categories"], spec["series"][series]["values"]))


def test_volume_by_hour_against_the_same_weekday_before(app, login):
    day = today()
    store_day(day)
    first, second = weeks_before(day, 2)
    store_day(first, prefix="a")
    store_day(second, prefix="b")
    store_day(day - timedelta(days=1), prefix="y")      # another weekday: not in the average
    specs = _specs(login("manager").get("/stats/dashboard").get_data(as_text=True))
    volume = specs["volume"]
    assert _values(volume, 0)["00:00"] == 5 and _values(volume, 0)["01:00"] == 0
    assert _values(volume, 1)["00:00"] == 2.5          # (5 + 5 + 0 + 0) / 4 weeks


def test_answer_rate_trend_and_abandon_bands(app, login):
    day = today()
    store_day(day)
    store_day(day - timedelta(days=3), prefix="x")
    page = login("manager").get(f"/stats/dashboard?day={day.isoformat()}").get_data(as_text=True)
    specs = _specs(page)
    trend = _values(specs["answer-rate"])
    assert len(trend) == 30
    assert trend[day.strftime("%m-%d")] == 0.8                    # 4 of 5 answered
    assert trend[(day - timedelta(days=1)).strftime("%m-%d")] is None   # no calls: a gap, not 0
    bands = _values(specs["abandon"])
    assert list(bands.values()) == [0, 2, 0, 0, 0]                # both waited 15 s
    assert "11–30 秒" in bands
    table = page.split('data-chart-table="abandon"', 1)[1].split("</table>", 1)[0]
    assert "<th scope=\"row\">11–30 秒</th><td>2</td>" in table


def test_top_complaint_categories(app, make_user, login):
    agent = make_user("agent")
    parent = TicketCategory(type_code="complaint", name="邮件")
    db.session.add(parent)
    db.session.flush()
    late = TicketCategory(type_code="complaint", name="延误", parent_id=parent.id)
    broken = TicketCategory(type_code="complaint", name="破损")
    db.session.add_all([late, broken])
    db.session.commit()
    inside = day_start_utc(today()) + timedelta(hours=2)
    orders = [("complaint", late), ("complaint", late), ("complaint", late), ("complaint", broken),
              ("suggestion", broken), ("complaint", None)]
    made = []
    for type_code, cat in orders:
        order = register(agent, type_code=type_code, subject="测试")
        order.created_at, order.category_id = inside, cat.id if cat else None
        made.append(order)
    merged = register(agent, type_code="complaint", subject="重复")
    merged.created_at, merged.category_id, merged.merged_into_id = inside, broken.id, made[0].id
    old = register(agent, type_code="complaint", subject="旧")
    old.created_at, old.category_id = inside - timedelta(days=40), broken.id
    db.session.commit()
    spec = _specs(login("manager").get("/stats/dashboard").get_data(as_text=True))["complaints"]
    pairs = list(zip(spec["categories"], spec["series"][0]["values"]))
    # merged duplicates, suggestions and orders older than the 30 days are left out
    assert pairs[0] == ("邮件 / 延误", 3)
    assert set(pairs[1:]) == {("破损", 1), ("（未分类）", 1)}


def test_bad_day_is_a_message(login):
    response = login("manager").get("/stats/dashboard?day=2026-13-45")
    assert response.status_code == 400
    assert "日 必须是日期" in response.get_data(as_text=True)


def test_agents_may_not_open_it(login):
    assert login("agent").get("/stats/dashboard").status_code == 403


def test_a_chosen_day_shows_that_day(app, login):
    day = today() - timedelta(days=10)
    store_day(day)
    page = login("teamlead").get(f"/stats/dashboard?day={day.isoformat()}").get_data(as_text=True)
    assert _values(_specs(page)["volume"])["00:00"] == 5
