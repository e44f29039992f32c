"""Callers who know where they are going: keys pressed during the welcome reach the menu
after it (barge-in and type-ahead), and after a self-service answer the same choices on
every line (1 again, 2 another query, 0 an agent, * the previous menu, # the main menu).
On Asterisk a key reaches only a command that listens for it (docs/agi.md); the emulator
and the simulator lose a key pressed during a prompt without escape digits, so these tests
fail if the engine forgets to listen. ``">2"``: 2 pressed while the next prompt plays."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from flask import current_app
from sqlalchemy import select

from app.extensions import db
from app.ivr import flows
from app.ivr.engine.run import keys_ahead
from app.ivr.flows import defaults as default_flows
from app.ivr.models import IVRLine
from app.ivr.nodes.registry import node_types
from app.ivr.simulator import simulate
from plugins.postcode.ivr import ASK, YOUR_CODE, name_prompt

MONDAY_10H = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)
WELCOME, MENU, AFTER = "welcome-11185", "menu-11185", "after-answer"
FUZHOU = name_prompt("闽侯县")


@pytest.fixture
def lines(app):
    default_flows.load()


def call(inputs, target="11185", **options):
    options.setdefault("now", MONDAY_10H)
    return simulate(current_app._get_current_object(), target, list(inputs), **options)


def kinds(transcript, kind):
    return [e.value for e in transcript.events if e.kind == kind]


# --- barge-in and type-ahead -----------------------------------------------------------------

def test_the_welcome_listens_for_the_main_menus_keys_and_zero(lines):
    flow = flows.active_flow("11185")
    assert keys_ahead(flow, "welcome", node_types()) == "12340"   # past the blacklist and the hours
    assert keys_ahead(flow, "ems", node_types()) == ""            # a transfer: no menu follows


def test_a_key_pressed_during_the_welcome_is_taken_by_the_menu(lines):
    transcript = call([">4"])
    assert kinds(transcript, "barge_in") == ["4"]
    assert transcript.heard[0] == WELCOME and MENU not in transcript.heard
    assert transcript.variables["POSTLINE_QUEUE"] == "complaint"


def test_zero_during_the_welcome_reaches_an_agent(lines):
    transcript = call([">0"])
    assert transcript.variables["POSTLINE_QUEUE"] == "11185"
    assert transcript.result.reason == "caller pressed 0"


def test_a_key_the_menu_does_not_offer_is_lost_and_the_menu_is_played(lines):
    transcript = call([">7", "4"])
    assert kinds(transcript, "lost_key") == ["7"]
    assert MENU in transcript.heard and transcript.variables["POSTLINE_QUEUE"] == "complaint"


def test_a_step_with_barge_in_off_plays_to_the_end(app):
    notice = {"start": "notice", "steps": [
        {"id": "notice", "type": "core.play", "params": {"prompt": "welcome-12329", "barge_in": False},
         "next": {"done": "menu"}},
        {"id": "menu", "type": "core.menu", "params": {"prompt": MENU}, "next": {"1": "one", "2": "two"}},
        {"id": "one", "type": "core.transfer", "params": {"queue": "one"}},
        {"id": "two", "type": "core.transfer", "params": {"queue": "two"}}]}
    transcript = call([">2", "1"], target=notice, line="11185")
    assert kinds(transcript, "lost_key") == ["2"] and MENU in transcript.heard
    assert transcript.variables["POSTLINE_QUEUE"] == "one"


def test_a_key_pressed_during_the_wrong_key_message_is_the_next_try(lines):
    transcript = call(["7", ">4"])
    assert transcript.heard.count(MENU) == 1 and "invalid-input" in transcript.heard
    assert transcript.variables["POSTLINE_QUEUE"] == "complaint"


def test_over_agi_the_welcome_is_played_with_escape_digits_and_the_key_reaches_the_menu(app, lines, agi_server):
    for line in db.session.scalars(select(IVRLine)):
        line.calendar.hours = "{}"
    db.session.commit()
    server = agi_server(app=app)
    transcript = server.call("ivr?line=11185", keys=[">4"])
    assert transcript.ok, transcript.failures
    assert f'STREAM FILE "{WELCOME}" "12340" 0' in transcript.commands
    assert MENU not in transcript.heard and transcript.variables["POSTLINE_QUEUE"] == "complaint"
    assert transcript.lost_keys == []


# --- after an answer ---------------------------------------------------------------------------

def test_one_hears_the_answer_again_and_star_goes_back_to_the_menu(lines):
    transcript = call(["1", "350100", "1", "*", "4"])
    heard = transcript.heard
    assert heard.count(FUZHOU) == 2 and heard.count(AFTER) == 2
    assert heard[heard.index(AFTER, heard.index(FUZHOU) + 2) + 1] == MENU
    assert transcript.variables["POSTLINE_QUEUE"] == "complaint"


def test_two_asks_another_query(lines):
    transcript = call(["1", "350100", "2", "100010", "#", "4"])
    assert transcript.heard.count(ASK) == 2
    assert "digits:100010" in transcript.heard and transcript.variables["POSTLINE_QUEUE"] == "complaint"


def test_zero_after_an_answer_reaches_an_agent(lines):
    transcript = call(["1", "350100", "0"])
    assert transcript.variables["POSTLINE_QUEUE"] == "11185"


@pytest.mark.parametrize("choice", ["7", None], ids=["a wrong key", "silence"])
def test_a_wrong_key_or_silence_goes_back_to_the_previous_menu_not_the_start(lines, choice):
    transcript = call(["1", "350100", choice, "4"])
    heard = transcript.heard
    assert heard.count(WELCOME) == 1 and heard[heard.index(AFTER) + 1] == MENU
    assert transcript.variables["POSTLINE_QUEUE"] == "complaint"


def test_star_is_the_previous_menu_and_hash_the_main_one(app):
    nested = {"start": "main", "steps": [
        {"id": "main", "type": "core.menu", "params": {"prompt": "menu-11185"}, "next": {"1": "sub", "9": "out"}},
        {"id": "sub", "type": "core.menu", "params": {"prompt": "menu-12329"}, "next": {"1": "postcode", "9": "out"}},
        {"id": "postcode", "type": "postcode.lookup", "next": {"done": "main", "not_found": "main"}},
        {"id": "out", "type": "core.transfer", "params": {"queue": "out"}}]}
    transcript = call(["1", "1", "350100", "*", "1", "350100", "#", "9"], target=nested, line="11185")
    menus = [h for h in transcript.heard if h.startswith("menu-")]
    assert menus == ["menu-11185", "menu-12329", "menu-12329", "menu-11185"]
    assert [e.outcome for e in transcript.result.path][-5:-1] == ["back", "1", "main", "9"]
    assert transcript.variables["POSTLINE_QUEUE"] == "out"


def test_the_answers_keys_work_while_it_plays(lines):
    transcript = call(["1", "350100", ">1", ">", ">", ">", ">", ">#", "4"])
    heard = transcript.heard
    assert kinds(transcript, "barge_in") == ["1", "#"]
    assert heard.count(YOUR_CODE) == 2 and heard.count(FUZHOU) == 0   # cut short twice
    assert transcript.variables["POSTLINE_QUEUE"] == "complaint"


def test_a_node_run_from_the_dialplan_ends_done_when_the_caller_leaves_the_answer(app):
    transcript = simulate(app, "", ["350100", "*"], script="node/postcode.lookup?line=11185")
    assert transcript.variables["POSTLINE_OUTCOME"] == "done"
