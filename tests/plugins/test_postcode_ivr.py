"""The postcode plugin's IVR node ``postcode.lookup`` as callers use it: through the
simulator and through the real FastAGI server driven by the Asterisk emulator, against the
real database (both backends). What the caller hears is checked down to the place names:
each name prompt must say exactly the name of the china-region CSV (read here
independently of the plugin's code)."""
from __future__ import annotations

import csv
import importlib.resources
import io
import json
import shutil
from datetime import datetime, timezone
from functools import cache

import pytest
from flask import current_app
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
from plugins.postcode import data
from plugins.postcode.counting import flush
from plugins.postcode.ivr import LookupNode, name_prompt, name_prompts, prompts
from plugins.postcode.models import PostcodeLookup

NODE = "node/postcode.lookup?line=11185"
MONDAY_10H = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)  # 10:00 in Shanghai
ASK, ASK_AGAIN, UNKNOWN = "postcode/ask-code", "postcode/ask-again", "postcode/unknown"
YOUR_CODE, REGION_IS = "postcode/your-code", "postcode/region-is"
AFTER = "after-answer"   # the engine's choices after an answer (1 again, 2 another, 0, *, #)


@cache
def csv_rows() -> list[dict[str, str]]:
    text = importlib.resources.files("china_region").joinpath("region.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def codes() -> set[str]:
    return {r["zipCode"].strip() for r in csv_rows()}


def said(heard: list[str]) -> list[str]:
    """The place names the caller heard, through the prompt catalog's texts."""
    texts = {prompt.name: prompt.text for prompt in prompts()}
    return [texts[h] for h in heard if h.startswith("postcode/name/")]


def lookups() -> list[PostcodeLookup]:
    flush(current_app)  # the IVR's counts are written by a background thread
    db.session.expire_all()
    return list(db.session.scalars(select(PostcodeLookup).order_by(PostcodeLookup.id)))


def records() -> list[CallRecord]:
    db.session.expire_all()
    return list(db.session.scalars(select(CallRecord).order_by(CallRecord.id)))


@pytest.fixture
def demo(app):
    default_flows.load()


def call(app, inputs, **options):
    return simulate(app, "", inputs, script=NODE, dry_run=False, **options)


# --- the declaration and the prompts -------------------------------------------------------

def test_the_node_is_declared_by_the_postcode_plugin(app):
    (node,) = [n for n in collect("postline_ivr_nodes") if n.name == "postcode.lookup"]
    assert node.plugin == "postcode" and node.node_class is LookupNode
    assert LookupNode.outcomes == ("done", "not_found")


def answers() -> list[dict[str, str]]:
    """The rows that can be said: a six-digit postcode other than the placeholder 999999."""
    return [r for r in csv_rows()
            if len(r["zipCode"].strip()) == 6 and r["zipCode"].strip().isdigit() and r["zipCode"] != "999999"]


def test_every_place_name_of_the_data_has_a_prompt_saying_it(app):
    found = catalog(app)
    names = {r[level].strip() for r in answers() for level in ("province", "city", "county")}
    for name in names:
        prompt = found[name_prompt(name)]
        assert (prompt.text, prompt.plugin) == (name, "postcode")
    place_prompts = [n for n in found if n.startswith("postcode/name/")]
    assert len(place_prompts) == len(names)
    for sentence in (ASK, ASK_AGAIN, UNKNOWN, YOUR_CODE, REGION_IS):
        assert found[sentence].plugin == "postcode" and found[sentence].text


def test_prompts_check_lists_the_postcode_prompts_and_build_makes_one(app, tmp_path):
    sounds = tmp_path / "sounds"
    runner = app.test_cli_runner()
    result = runner.invoke(args=["prompts", "check", "--sounds", str(sounds)])
    assert result.exit_code == 1
    listed = result.stdout.splitlines()
    assert ASK in listed and name_prompt("闽侯县") in listed
    assert set(listed) >= {prompt.name for prompt in prompts()}
    if not (shutil.which("espeak-ng") and shutil.which("sox")):
        pytest.skip("espeak-ng and sox are not installed")
    result = runner.invoke(args=["prompts", "build", "--sounds", str(sounds), "--only", name_prompt("闽侯县")])
    assert result.exit_code == 0, result.output
    assert (sounds / f"{name_prompt('闽侯县')}.wav").stat().st_size > 44
    result = runner.invoke(args=["prompts", "check", "--sounds", str(sounds)])
    assert name_prompt("闽侯县") not in result.stdout.splitlines() and ASK in result.stdout.splitlines()


# --- through the simulator -----------------------------------------------------------------

def test_a_known_postcode_is_said_back_with_its_province_city_and_county(app):
    assert [r for r in csv_rows() if r["zipCode"] == "350100"] and "350100" in codes()
    transcript = call(app, ["350100"])
    assert transcript.heard == [ASK, YOUR_CODE, "digits:350100", REGION_IS, name_prompt("福建省"),
                                name_prompt("福州市"), name_prompt("闽侯县"), AFTER]
    assert said(transcript.heard) == ["福建省", "福州市", "闽侯县"]
    assert transcript.variables["POSTLINE_OUTCOME"] == "done"
    (record,) = records()
    assert record.outcome == "self_served" and record.ended_at is not None
    assert json.loads(record.data) == {"postcode.code": "350100", "postcode.region": "福建省福州市闽侯县"}
    (lookup,) = lookups()
    assert (lookup.user_id, lookup.kind, lookup.query_text, lookup.result_count) == (None, "postcode", "350100", 1)


def test_a_municipality_is_not_said_twice(app):
    transcript = call(app, ["100010"])
    assert said(transcript.heard) == ["北京市", "东城区"]


def test_several_places_are_counted_and_the_first_three_said(app):
    places = {(r["province"], r["city"], r["county"]) for r in csv_rows() if r["zipCode"] == "453000"}
    assert len(places) == 4  # the CSV repeats some rows with other coordinates
    transcript = call(app, ["453000"])
    assert transcript.heard[:5] == [ASK, YOUR_CODE, "digits:453000", "postcode/regions-count", "number:4"]
    assert said(transcript.heard) == ["河北省", "石家庄市", "新华区", "河南省", "新乡市", "红旗区"]
    assert transcript.heard.count("postcode/and") == 2 and transcript.heard[-2:] == ["postcode/and-more", AFTER]
    assert lookups()[-1].result_count == 4


def test_an_unknown_postcode_is_said_so_and_the_caller_tries_again(app):
    assert "123456" not in codes()
    transcript = call(app, ["123456", "350100"])
    assert transcript.heard[:5] == [ASK, YOUR_CODE, "digits:123456", UNKNOWN, ASK_AGAIN]
    assert said(transcript.heard) == ["福建省", "福州市", "闽侯县"]
    assert transcript.variables["POSTLINE_OUTCOME"] == "done"
    assert [(l.query_text, l.result_count, l.user_id) for l in lookups()] == [("123456", 0, None),
                                                                              ("350100", 1, None)]


def test_the_placeholder_postcode_999999_is_not_found_and_the_caller_tries_again(app):
    assert "999999" in codes()  # the data's placeholder rows
    transcript = call(app, ["999999", "350100"])
    assert transcript.heard[:5] == [ASK, YOUR_CODE, "digits:999999", UNKNOWN, ASK_AGAIN]
    assert said(transcript.heard) == ["福建省", "福州市", "闽侯县"]
    assert [(l.query_text, l.result_count) for l in lookups()] == [("999999", 0), ("350100", 1)]


def test_after_three_unknown_postcodes_the_outcome_is_not_found(app):
    assert not {"123456", "000001", "777777"} & codes()
    transcript = call(app, ["123456", "000001", "777777", "350100"])
    assert transcript.heard.count(UNKNOWN) == 3 and transcript.heard.count(ASK_AGAIN) == 2
    assert "digits:350100" not in transcript.heard
    assert transcript.variables["POSTLINE_OUTCOME"] == "not_found"
    assert json.loads(records()[-1].data)["postcode.region"] == ""
    assert [l.result_count for l in lookups()] == [0, 0, 0]


def test_a_wrong_length_is_asked_again_and_not_counted(app):
    transcript = call(app, ["1234#", "350100"])
    assert transcript.heard[:5] == [ASK, "invalid-input", ASK, YOUR_CODE, "digits:350100"]
    assert transcript.variables["POSTLINE_OUTCOME"] == "done"
    assert [l.query_text for l in lookups()] == ["350100"]


def test_wrong_lengths_until_the_tries_run_out_go_to_an_agent(app):
    transcript = call(app, ["1", "12", "123"])
    assert transcript.heard.count("invalid-input") == 2
    assert transcript.variables["POSTLINE_QUEUE"] == "11185"
    assert records()[-1].outcome == "transferred" and lookups() == []


def test_zero_reaches_an_agent(app):
    transcript = call(app, ["0"])
    assert transcript.variables["POSTLINE_QUEUE"] == "11185" and lookups() == []


def test_a_dry_run_counts_nothing(app):
    transcript = simulate(app, "", ["350100"], script=NODE)
    assert said(transcript.heard) == ["福建省", "福州市", "闽侯县"]
    assert lookups() == [] and records() == []


def test_a_hangup_at_any_command_leaves_one_closed_record(app):
    full = call(app, ["123456", "350100"])
    heard = len(full.heard)  # the commands the caller can hang up in (SET VARIABLE works after)
    for n in range(heard):
        transcript = call(app, ["123456", "350100"], hangup_after=n)
        assert transcript.outcome == "hung_up", n
        assert "POSTLINE_OUTCOME" not in transcript.variables
    found = records()
    assert len(found) == heard + 1
    assert all(r.ended_at is not None and r.outcome for r in found)


def test_the_default_11185_flow_uses_the_node_and_comes_back_to_the_menu(app, demo):
    definition = default_flows.flow_11185(node_types())
    assert flows.validate_here(definition) == []
    step = next(s for s in definition["steps"] if s["id"] == "postcode")
    assert step["type"] == "postcode.lookup" and step["next"] == {"done": "menu", "not_found": "menu"}
    transcript = simulate(app, "11185", ["1", "350100", "#", "4"], now=MONDAY_10H, dry_run=False)
    heard = transcript.heard
    assert heard[heard.index(ASK) - 1] == "menu-11185"
    assert heard[heard.index(name_prompt("闽侯县")) + 1:][:2] == [AFTER, "menu-11185"]  # "#": the main menu
    assert said(heard) == ["福建省", "福州市", "闽侯县"]
    assert transcript.variables["POSTLINE_QUEUE"] == "complaint"  # key 4 (2 and 3 lead to the EMS and newspaper nodes)
    assert json.loads(records()[-1].data)["postcode.code"] == "350100"


# --- through the FastAGI server and the Asterisk emulator ------------------------------------

@pytest.fixture
def server(app, demo, agi_server):
    db.session.scalar(select(IVRLine).where(IVRLine.number == "11185")).calendar.hours = "{}"
    db.session.commit()
    return agi_server(app=app)


def test_over_agi_a_known_postcode_is_said_back(server):
    transcript = server.call(NODE, keys=["350100"])
    assert transcript.ok, transcript.failures
    assert transcript.heard[:3] == [ASK, YOUR_CODE, "digits:350100"]
    assert said(transcript.heard) == ["福建省", "福州市", "闽侯县"]
    assert transcript.variables["POSTLINE_OUTCOME"] == "done" and transcript.status == "OK"
    (lookup,) = lookups()
    assert (lookup.user_id, lookup.query_text, lookup.result_count) == (None, "350100", 1)


def test_over_agi_an_unknown_postcode_then_a_retry(server):
    transcript = server.call(NODE, keys=["123456#", "100010"])
    assert transcript.ok, transcript.failures
    assert transcript.heard[:5] == [ASK, YOUR_CODE, "digits:123456", UNKNOWN, ASK_AGAIN]
    assert said(transcript.heard) == ["北京市", "东城区"]
    assert [(l.query_text, l.result_count) for l in lookups()] == [("123456", 0), ("100010", 1)]


def test_over_agi_from_the_main_menu(server):
    transcript = server.call("ivr?line=11185", keys=["1", "350100", "#", "4"])
    assert transcript.ok, transcript.failures
    assert said(transcript.heard) == ["福建省", "福州市", "闽侯县"]
    assert transcript.variables["POSTLINE_QUEUE"] == "complaint"


def test_over_agi_a_hangup_during_any_command_leaves_a_closed_record(server):
    full = server.call(NODE, keys=["123456", "350100"])
    assert full.ok and full.variables["POSTLINE_OUTCOME"] == "done"
    for n in range(1, len(full.steps) + 1):
        transcript = server.call(NODE, keys=["123456", "350100"], hangup_at=n)
        assert transcript.ok, (n, transcript.failures)
        found = records()
        assert len(found) == n + 1, f"hangup at command {n}"
        assert found[-1].ended_at is not None and found[-1].outcome, f"hangup at command {n}"


def test_a_burst_of_calls_on_a_fresh_process_builds_the_data_once_and_counts_every_lookup(
        app, demo, agi_server, background, monkeypatch):
    """300 callers right after a start once gave "database is locked" on SQLite and built
    the index once per call thread: here 40 callers at once on a process whose data was
    never read."""
    db.session.scalar(select(IVRLine).where(IVRLine.number == "11185")).calendar.hours = "{}"
    db.session.commit()
    reads = []
    read_rows = data.read_rows
    monkeypatch.setattr(data, "read_rows", lambda: reads.append(1) or read_rows())
    data.index.cache_clear()
    name_prompts.cache_clear()
    server = agi_server(app=app)
    callers = [background(server.call, NODE, keys=["350100"]) for _ in range(40)]
    for thread, _ in callers:
        thread.join(30)
    transcripts = [box["result"] for _, box in callers]
    # Every caller served (the emulator's 1-second close check is for quiet servers, not
    # for 40 SQLite commits at once, so only the outcome is asserted here).
    assert [t.variables.get("POSTLINE_OUTCOME") for t in transcripts] == ["done"] * 40
    assert all(t.status == "OK" for t in transcripts)
    assert len(reads) == 1
    found = lookups()
    assert len(found) == 40 and {(lk.query_text, lk.result_count) for lk in found} == {("350100", 1)}


def test_postline_agi_reads_the_postcode_data_before_the_first_call(app, monkeypatch):
    from app.ivr.commands import start_up

    reads = []
    read_rows = data.read_rows
    monkeypatch.setattr(data, "read_rows", lambda: reads.append(1) or read_rows())
    data.index.cache_clear()
    name_prompts.cache_clear()
    start_up(app)
    assert len(reads) == 1
    data.index()
    assert len(reads) == 1
