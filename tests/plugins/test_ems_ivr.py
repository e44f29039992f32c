"""The IVR node ``ems.track`` as callers use it: through the simulator and through the real
FastAGI server driven by the Asterisk emulator, on both backends. What the caller hears is
checked prompt by prompt (date, hour, minute, place, status), and what the call leaves for
the agent (the number in the call's data) and for the report (one query per number)."""
from __future__ import annotations

import json
import shutil

import pytest
from sqlalchemy import select

from app.calls.models import CallRecord
from app.extensions import db
from app.ivr import flows
from app.ivr.flows import defaults as default_flows
from app.ivr.models import IVRLine
from app.ivr.nodes.registry import node_types
from app.ivr.prompts import catalog
from app.ivr.simulator import simulate
from app.pluginhost import collect
from plugins.ems import ivr
from plugins.ems.events import place_prompt
from tests.plugins.ems_kit import DOMESTIC_NUMBER, ROUTE, S10_NUMBER, add_item, queries

NODE = "node/ems.track?line=11185"
ASK, ASK_AGAIN, BAD, NO_DATA = ivr.ASK, ivr.ASK_AGAIN, ivr.BAD_CHECK, ivr.NO_DATA
KEYED = "123456785"  # the serial and check digit of EA123456785CN
#: The latest event (2026-11-21 02:15 UTC = 10:15 in Shanghai), as the caller hears it.
LATEST_SAID = ["digits:2026", "date-year", "number:11", "date-month", "number:21", "date-day",
               "number:10", ivr.HOUR, "number:15", ivr.MINUTE, ivr.AT_PLACE, place_prompt("上海市"),
               "ems/status/out_for_delivery"]
FIRST_SAID = ["digits:2026", "date-year", "number:11", "date-month", "number:20", "date-day",
              "number:9", ivr.HOUR, "number:5", ivr.MINUTE, ivr.AT_PLACE, place_prompt("北京市"),
              "ems/status/accepted"]


def call(app, inputs, **options):
    return simulate(app, "", inputs, script=NODE, dry_run=False, **options)


def records() -> list[CallRecord]:
    db.session.expire_all()
    return list(db.session.scalars(select(CallRecord).order_by(CallRecord.id)))


@pytest.fixture
def item(app):
    return add_item()


# --- the declaration and the prompts -------------------------------------------------------

def test_the_node_and_its_prompts_are_declared(app):
    (node,) = [n for n in collect("postline_ivr_nodes") if n.name == "ems.track"]
    assert node.plugin == "ems" and node.node_class is ivr.TrackNode
    found = catalog(app)
    for name in (ASK, ASK_AGAIN, BAD, NO_DATA, ivr.AFTER, ivr.TO_AGENT, "ems/status/delivered",
                 place_prompt("上海市"), place_prompt("广州市")):
        assert found[name].plugin == "ems" and found[name].text
    assert found[place_prompt("上海市")].text == "上海市"


def test_prompts_check_lists_the_ems_prompts(app, tmp_path):
    result = app.test_cli_runner().invoke(args=["prompts", "check", "--sounds", str(tmp_path)])
    assert result.exit_code == 1
    listed = set(result.stdout.splitlines())
    assert {p.name for p in ivr.prompts()} <= listed
    if not (shutil.which("espeak-ng") and shutil.which("sox")):
        pytest.skip("espeak-ng and sox are not installed")
    result = app.test_cli_runner().invoke(args=["prompts", "build", "--sounds", str(tmp_path), "--only", BAD])
    assert result.exit_code == 0, result.output
    assert (tmp_path / f"{BAD}.wav").stat().st_size > 44
    result = app.test_cli_runner().invoke(args=["prompts", "check", "--sounds", str(tmp_path)])
    assert BAD not in result.stdout.splitlines() and ASK in result.stdout.splitlines()


# --- through the simulator -----------------------------------------------------------------

def test_nine_digits_say_the_latest_status_with_time_and_place(app, item):
    t = call(app, [KEYED, "9"])
    assert t.heard == [ASK, ivr.YOUR_ITEM, f"digits:{KEYED}", ivr.LATEST, *LATEST_SAID, ivr.AFTER]
    assert t.variables["POSTLINE_OUTCOME"] == "done"
    (record,) = records()
    assert record.outcome == "self_served"
    data = json.loads(record.data)
    assert data["ems.number"] == S10_NUMBER and data["ems.found"] is True
    assert [(q.channel, q.number, q.found, q.call_id) for q in queries()] == [("ivr", S10_NUMBER, True, record.id)]


def test_the_full_route_then_the_latest_again(app, item):
    t = call(app, [KEYED, "1", "2", "9"])
    after = t.heard.index(ivr.AFTER)
    route = t.heard[after + 1:]
    assert route[0] == ivr.ROUTE_START and route[1:14] == FIRST_SAID
    assert route.count("ems/status/departed") == 1
    end = route.index(ivr.ROUTE_END)
    assert route[end - len(LATEST_SAID):end] == LATEST_SAID
    assert route[end + 1] == ivr.AFTER
    assert route[end + 2:end + 6] == [ivr.YOUR_ITEM, f"digits:{KEYED}", ivr.LATEST, LATEST_SAID[0]]
    assert t.variables["POSTLINE_OUTCOME"] == "done"


def test_a_13_digit_domestic_number(app):
    add_item(DOMESTIC_NUMBER, events=ROUTE[:1])
    t = call(app, [DOMESTIC_NUMBER, "9"])
    assert t.heard == [ASK, ivr.YOUR_ITEM, f"digits:{DOMESTIC_NUMBER}", ivr.LATEST, *FIRST_SAID, ivr.AFTER]


def test_a_wrong_check_digit_is_refused_at_once_and_asked_again(app, item):
    t = call(app, ["123456784", KEYED, "9"])
    assert t.heard[:4] == [ASK, BAD, ASK_AGAIN, ivr.YOUR_ITEM]
    assert t.variables["POSTLINE_OUTCOME"] == "done"
    assert [q.number for q in queries()] == [S10_NUMBER]  # the wrong number was never looked up


def test_an_unknown_number_is_no_data_yet_and_after_three_tries_unknown(app):
    t = call(app, [KEYED, "1100000000000", KEYED])
    assert t.heard == [ASK, NO_DATA, ASK_AGAIN, NO_DATA, ASK_AGAIN, NO_DATA]
    assert t.variables["POSTLINE_OUTCOME"] == "unknown"
    assert [(q.number, q.found) for q in queries()] == [(KEYED, False), ("1100000000000", False), (KEYED, False)]


def test_an_item_without_events_yet_is_no_data_yet(app):
    add_item(events=())
    t = call(app, [KEYED, KEYED, KEYED])
    assert t.heard.count(NO_DATA) == 3 and t.variables["POSTLINE_OUTCOME"] == "unknown"


def test_another_item_after_the_first(app, item):
    add_item(DOMESTIC_NUMBER, events=ROUTE[:1])
    t = call(app, [KEYED, "3", DOMESTIC_NUMBER, "9"])
    assert t.heard.count(ivr.AFTER) == 2 and f"digits:{DOMESTIC_NUMBER}" in t.heard
    assert json.loads(records()[-1].data)["ems.number"] == DOMESTIC_NUMBER
    assert [q.number for q in queries()] == [S10_NUMBER, DOMESTIC_NUMBER]


def test_a_wrong_length_is_the_core_invalid_input_then_asked_again(app, item):
    t = call(app, ["1234#", KEYED, "9"])
    assert t.heard[:3] == [ASK, "invalid-input", ASK]
    assert t.variables["POSTLINE_OUTCOME"] == "done"


def test_wrong_lengths_until_the_tries_run_out_go_to_an_agent(app):
    t = call(app, ["1", "12", "123"])
    assert t.heard.count("invalid-input") == 2
    assert "POSTLINE_QUEUE" in t.variables and records()[-1].outcome == "transferred"
    assert queries() == []


def test_zero_at_the_number_reaches_the_ems_agents(app):
    t = call(app, ["0"])
    assert t.heard == [ASK, ivr.TO_AGENT] and t.variables["POSTLINE_QUEUE"] == "ems"


def test_zero_after_the_status_reaches_an_agent_with_the_number_on_the_call(app, item):
    t = call(app, [KEYED, "0"])
    assert t.heard[-2:] == [ivr.AFTER, ivr.TO_AGENT] and t.variables["POSTLINE_QUEUE"] == "ems"
    record = records()[-1]
    assert record.outcome == "transferred" and json.loads(record.data)["ems.number"] == S10_NUMBER
    assert [q.number for q in queries()] == [S10_NUMBER]


def test_star_repeats_the_question(app, item):
    t = call(app, ["*", KEYED, "*", "9"])
    assert t.heard[:2] == [ASK, ASK]
    after = t.heard.index(ivr.AFTER)
    assert t.heard[after + 1] == ivr.AFTER


def test_a_wrong_key_after_the_status_is_asked_again(app, item):
    t = call(app, [KEYED, "7", "9"])
    after = t.heard.index(ivr.AFTER)
    assert t.heard[after + 1:after + 3] == ["invalid-input", ivr.AFTER]


def test_a_dry_run_counts_nothing(app, item):
    t = simulate(app, "", [KEYED, "9"], script=NODE)
    assert ivr.LATEST in t.heard and queries() == [] and records() == []


def test_a_hangup_at_any_command_leaves_one_closed_record(app, item):
    inputs = ["123456784", KEYED, "1", "9"]
    full = call(app, inputs)
    heard = len(full.heard)
    for n in range(heard):
        t = call(app, inputs, hangup_after=n)
        assert t.outcome == "hung_up", n
        assert "POSTLINE_OUTCOME" not in t.variables
    found = records()
    assert len(found) == heard + 1
    assert all(r.ended_at is not None and r.outcome for r in found)


# --- the default 11185 flow ---------------------------------------------------------------

@pytest.fixture
def demo(app):
    default_flows.load()
    db.session.scalar(select(IVRLine).where(IVRLine.number == "11185")).calendar.hours = "{}"
    db.session.commit()


def test_the_default_11185_flow_puts_ems_track_on_key_2(app, demo, item):
    definition = default_flows.flow_11185(node_types())
    assert flows.validate_here(definition) == []
    menu = next(s for s in definition["steps"] if s["id"] == "menu")
    assert menu["next"]["2"] == "ems-track"
    step = next(s for s in definition["steps"] if s["id"] == "ems-track")
    assert step["type"] == "ems.track" and step["next"] == {"done": "menu", "unknown": "ems"}
    t = simulate(app, "11185", ["2", KEYED, "9", "2", *["1100000000000"] * 3], dry_run=False)
    heard = t.heard
    assert heard[heard.index(ASK) - 1] == "menu-11185"
    assert heard[heard.index(ivr.AFTER) + 1] == "menu-11185"  # 9: back to the menu
    assert t.variables["POSTLINE_QUEUE"] == "ems"  # (three unknown numbers: the EMS agents)


# --- through the FastAGI server and the Asterisk emulator ------------------------------------

@pytest.fixture
def server(app, demo, agi_server):
    return agi_server(app=app)


def test_over_agi_the_latest_status(server, item):
    t = server.call(NODE, keys=[KEYED + "#", "9"])
    assert t.ok, t.failures
    assert t.heard == [ASK, ivr.YOUR_ITEM, f"digits:{KEYED}", ivr.LATEST, *LATEST_SAID, ivr.AFTER]
    assert t.variables["POSTLINE_OUTCOME"] == "done" and t.status == "OK"
    assert [(q.channel, q.number, q.found) for q in queries()] == [("ivr", S10_NUMBER, True)]


def test_over_agi_a_wrong_check_digit_then_the_route(server, item):
    t = server.call(NODE, keys=["123456784#", KEYED + "#", "1", "9"])
    assert t.ok, t.failures
    assert t.heard[:4] == [ASK, BAD, ASK_AGAIN, ivr.YOUR_ITEM]
    assert ivr.ROUTE_START in t.heard and ivr.ROUTE_END in t.heard


def test_over_agi_zero_reaches_the_ems_queue_with_the_number(server, item):
    t = server.call(NODE, keys=[KEYED + "#", "0"])
    assert t.ok, t.failures
    assert t.variables["POSTLINE_QUEUE"] == "ems" and t.status == "OK"
    assert json.loads(records()[-1].data)["ems.number"] == S10_NUMBER


def test_over_agi_star_repeats_and_wrong_input_retries(server, item):
    t = server.call(NODE, keys=["*", "12#", KEYED + "#", "9"])
    assert t.ok, t.failures
    assert t.heard[:4] == [ASK, ASK, "invalid-input", ASK]
    assert t.variables["POSTLINE_OUTCOME"] == "done"


def test_over_agi_from_the_main_menu(server, item):
    t = server.call("ivr?line=11185", keys=["2", KEYED + "#", "9", "2", "0"])
    assert t.ok, t.failures
    assert ivr.LATEST in t.heard and t.variables["POSTLINE_QUEUE"] == "ems"


def test_over_agi_a_hangup_during_any_command_leaves_a_closed_record(server, item):
    keys = ["123456784#", KEYED + "#", "1", "9"]
    full = server.call(NODE, keys=keys)
    assert full.ok and full.variables["POSTLINE_OUTCOME"] == "done"
    for n in range(1, len(full.steps) + 1):
        t = server.call(NODE, keys=keys, hangup_at=n)
        assert t.ok, (n, t.failures)
        found = records()
        assert len(found) == n + 1, f"hangup at command {n}"
        assert found[-1].ended_at is not None and found[-1].outcome, f"hangup at command {n}"
