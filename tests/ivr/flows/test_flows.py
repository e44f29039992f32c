"""Flow definitions: what validation refuses (each message naming its step), what it lets
through, and versions: a saved version applies to the next call, an older one can be
made active again, a refused one leaves nothing behind."""
from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from sqlalchemy import func, select

from app.api import Node, hookimpl
from app.declarations import IVRNode
from app.extensions import db
from app.ivr import flows
from app.ivr.flows import FlowError, validate
from app.ivr.flows import defaults as default_flows
from app.ivr.models import IVRFlow, IVRFlowVersion, IVRLine
from app.ivr.nodes import CheckContext
from app.ivr.nodes.registry import node_specs, node_types
from app.ivr.simulator import simulate


class Lookup(Node):
    """A plugin leaf with two outcomes."""

    outcomes = ("found", "not_found")

    def run(self, call: Any) -> str:
        return "found"


class Bare:
    """The plugin API's simplest node: no base class, no declarations."""

    def run(self, call: Any) -> str:
        return "whatever"


class FlowPlugin:
    @hookimpl
    def postline_ivr_nodes(self) -> list[IVRNode]:
        return [IVRNode("flowplug.lookup", "Lookup", Lookup), IVRNode("flowplug.bare", "Bare", Bare)]


@pytest.fixture
def app_config(app_config):
    return app_config | {"PLUGIN_OBJECTS": {"flowplug": FlowPlugin()}}


GOOD = {"start": "welcome", "steps": [
    {"id": "welcome", "type": "core.play", "params": {"prompt": "goodbye"}, "next": {"done": "menu"}},
    {"id": "menu", "type": "core.menu", "params": {"prompt": "menu-11185"},
     "next": {"1": "lookup", "2": "agent", "timeout": "bye"}},
    {"id": "lookup", "type": "flowplug.lookup", "next": {"found": "menu", "not_found": "agent"}},
    {"id": "agent", "type": "core.transfer", "params": {"queue": "ems"}},
    {"id": "bye", "type": "core.hangup"},
]}

@pytest.fixture
def types(app):
    return node_types()


def changed(**edits: Any) -> dict[str, Any]:
    """GOOD with steps replaced or added: ``changed(menu={...})``; ``None`` removes."""
    definition = copy.deepcopy(GOOD)
    steps = {s["id"]: s for s in definition["steps"]}
    for sid, step in edits.items():
        if step is None:
            steps.pop(sid)
        else:
            steps[sid] = {"id": sid, **step}
    definition["steps"] = list(steps.values())
    return definition


def problems(definition, types, context=None) -> list[tuple[str, str]]:
    return [(p.step, p.code) for p in validate(definition, types, context)]


def test_a_good_flow_has_no_problems(types):
    assert validate(GOOD, types) == []
    assert flows.validate_here(GOOD) == []


def test_unknown_node_types_are_refused_naming_the_step(types):
    found = validate(changed(lookup={"type": "parcel.track", "next": {"done": "menu"}}), types)
    assert [(p.step, p.code) for p in found] == [("lookup", "unknown_node")]
    assert "step 'lookup'" in str(found[0]) and "parcel.track" in str(found[0])


def test_dangling_transitions_and_keys(types):
    found = problems(changed(menu={"type": "core.menu", "params": {"prompt": "menu-11185"},
                                   "next": {"1": "lookup", "2": "agent", "3": "nowhere",
                                            "timeout": "bye"}}), types)
    assert found == [("menu", "dangling")]


def test_menu_keys_must_be_one_to_nine_and_present(types):
    found = problems(changed(menu={"type": "core.menu", "params": {"prompt": "menu-11185"},
                                   "next": {"0": "agent", "*": "bye", "12": "bye"}}), types)
    assert sorted(found) == [("lookup", "unreachable"), ("menu", "menu_without_keys"),
                             ("menu", "reserved_key"), ("menu", "reserved_key"), ("menu", "unknown_outcome")]


def test_outcomes_must_exist_and_lead_somewhere(types):
    found = problems(changed(lookup={"type": "flowplug.lookup", "next": {"found": "menu", "maybe": "bye"}}),
                     types)
    assert sorted(found) == [("lookup", "unknown_outcome"), ("lookup", "unwired_outcome")]
    found = problems(changed(agent={"type": "core.transfer", "next": {"done": "bye"}}), types)
    assert found == [("agent", "terminal_has_next")]


def test_unreachable_steps(types):
    found = problems(changed(orphan={"type": "core.hangup"}), types)
    assert found == [("orphan", "unreachable")]


def test_a_loop_without_exit_is_refused(types):
    loop = changed(welcome={"type": "core.play", "params": {"prompt": "goodbye"}, "next": {"done": "again"}},
                   again={"type": "core.play", "params": {"prompt": "goodbye"}, "next": {"done": "welcome"}})
    found = validate(loop, types)
    assert [(p.step, p.code) for p in found if p.code == "closed_loop"] == [("welcome", "closed_loop")]
    assert "welcome → again → welcome" in str(found[-1])


def test_a_loop_through_a_menu_has_an_exit(types):
    """menu ⇄ lookup is a loop, but the caller leaves it with a key, 0 or silence."""
    assert validate(GOOD, types) == []


def test_a_loop_through_the_hours_check_has_no_exit(types):
    loop = {"steps": [
        {"id": "hours", "type": "core.time_condition", "next": {"open": "a", "closed": "hours"}},
        {"id": "a", "type": "core.hangup"}]}
    assert problems(loop, types) == []  # "closed" loops, but "open" leaves: fine by the rule
    loop["steps"][0]["next"]["open"] = "hours"
    assert ("hours", "closed_loop") in problems(loop, types)


def test_parameters_are_checked(types):
    found = problems(changed(welcome={"type": "core.play", "params": {"promt": "goodbye"},
                                      "next": {"done": "menu"}}), types)
    assert sorted(found) == [("welcome", "missing_param"), ("welcome", "unknown_param")]
    found = problems(changed(menu={"type": "core.menu", "params": {"prompt": "menu-11185", "timeout_s": 0},
                                   "next": {"1": "lookup", "2": "agent", "timeout": "bye"}}), types)
    assert found == [("menu", "bad_param")]
    found = problems(changed(menu={"type": "core.menu", "params": {"prompt": "../../etc/passwd"},
                                   "next": {"1": "lookup", "2": "agent", "timeout": "bye"}}), types)
    assert found == [("menu", "bad_prompt")]


def test_prompts_and_goto_targets_are_checked_against_the_site(app):
    found = [(p.step, p.code) for p in flows.validate_here(changed(
        welcome={"type": "core.play", "params": {"prompt": "no-such-prompt"}, "next": {"done": "menu"}}))]
    assert found == [("welcome", "unknown_prompt")]
    goto = changed(bye={"type": "core.goto", "params": {"flow": "fund"}})
    assert [(p.step, p.code) for p in flows.validate_here(goto)] == [("bye", "unknown_flow")]
    assert flows.validate_here(goto, flow_name="fund") == []  # a flow may go to itself


def test_structure_problems(types):
    assert problems("{not json", types) == [("", "bad_json")]
    assert problems({"steps": []}, types) == [("", "no_steps")]
    assert problems({"steps": [{"id": "A b", "type": "core.hangup"}]}, types) == [("", "bad_step_id")]
    twice = {"steps": [{"id": "a", "type": "core.hangup"}, {"id": "a", "type": "core.hangup"}]}
    assert problems(twice, types) == [("a", "duplicate_step")]
    assert problems({"start": "x", "steps": [{"id": "a", "type": "core.hangup"}]}, types) == [("", "bad_start")]
    assert problems({"steps": [{"id": "a", "type": "core.hangup", "nxet": {}}]}, types) == [("a", "unknown_key")]


def test_a_node_without_declarations_is_accepted_as_declared(types):
    bare = changed(lookup={"type": "flowplug.bare", "next": {"whatever": "menu"}})
    assert validate(bare, types) == []


def test_the_default_flows_are_valid(app):
    types = node_types()
    for build in default_flows.FLOWS.values():
        definition = build(types)
        assert flows.validate_here(definition) == [], definition["title"]
        assert {"welcome-11185", "welcome-12329"} & flows.referenced_prompts(definition, types)


def test_referenced_prompts_include_defaults(types):
    assert flows.referenced_prompts(GOOD, types) >= {"goodbye", "menu-11185", "transfer-wait", "vip-welcome"}


def test_check_context_none_means_not_checked(types):
    unknown_prompt = changed(welcome={"type": "core.play", "params": {"prompt": "not-in-catalog"},
                                      "next": {"done": "menu"}})
    assert problems(unknown_prompt, types) == []
    assert problems(unknown_prompt, types, CheckContext(prompts=frozenset({"x"}))) != []


# --- versions -------------------------------------------------------------------------------

def _line(number: str, flow: str) -> None:
    flow_id = db.session.scalar(select(IVRFlow.id).where(IVRFlow.name == flow))
    db.session.add(IVRLine(number=number, name=number, queue=number, flow_id=flow_id))
    db.session.commit()


def _welcome(prompt: str) -> dict[str, Any]:
    return {"steps": [{"id": "hello", "type": "core.play", "params": {"prompt": prompt}, "next": {"done": "bye"}},
                      {"id": "bye", "type": "core.hangup"}]}


def test_a_new_version_applies_to_the_next_call_and_an_old_one_can_return(app):
    first = flows.save_version("hotline", _welcome("welcome-11185"), title="Hotline", author="admin")
    _line("11185", "hotline")
    assert simulate(app, "11185").heard[0] == "welcome-11185"

    second = flows.save_version("hotline", _welcome("welcome-12329"), author="admin", note="new welcome")
    assert (first.number, second.number) == (1, 2)
    assert simulate(app, "11185").heard[0] == "welcome-12329"

    flows.activate("hotline", 1)
    assert simulate(app, "11185").heard[0] == "welcome-11185"
    assert db.session.scalar(select(func.count()).select_from(IVRFlowVersion)) == 2
    stored = json.loads(db.session.scalar(select(IVRFlowVersion.definition).where(IVRFlowVersion.number == 2)))
    assert stored["steps"][0]["params"]["prompt"] == "welcome-12329"


def test_a_version_saved_inactive_waits(app):
    flows.save_version("hotline", _welcome("welcome-11185"))
    _line("11185", "hotline")
    flows.save_version("hotline", _welcome("welcome-12329"), activate=False)
    assert simulate(app, "11185").heard[0] == "welcome-11185"


def test_an_invalid_definition_is_not_saved(app):
    with pytest.raises(FlowError) as refused:
        flows.save_version("hotline", changed(orphan={"type": "core.hangup"}))
    assert refused.value.problems[0].step == "orphan"
    assert db.session.scalar(select(func.count()).select_from(IVRFlow)) == 0
    with pytest.raises(FlowError):
        flows.save_version("Bad Name", GOOD)
    with pytest.raises(LookupError):
        flows.activate("hotline", 1)


def test_simulating_an_unsaved_definition_validates_it_first(app):
    with pytest.raises(FlowError):
        simulate(app, changed(orphan={"type": "core.hangup"}), [])
    transcript = simulate(app, GOOD, ["2"], line="11185")
    assert transcript.variables["POSTLINE_QUEUE"] == "ems"


def test_active_flows_that_no_longer_validate_are_listed(app):
    flows.save_version("hotline", GOOD)
    assert flows.check_active_flows() == {}
    broken = changed(lookup={"type": "flowplug.lookup", "next": {"found": "menu", "not_found": "agent"}})
    broken["steps"][0]["params"]["prompt"] = "goodbye"
    flows.save_version("other", broken)
    row = db.session.scalar(select(IVRFlowVersion).join(IVRFlow).where(IVRFlow.name == "other"))
    row.definition = row.definition.replace("flowplug.lookup", "gone.lookup")
    db.session.commit()
    assert [p.code for p in flows.check_active_flows()["other"]] == ["unknown_node"]


def test_node_specs_tell_the_editor_what_each_node_takes(app):
    specs = {spec.name: spec for spec in node_specs()}
    assert {"core.menu", "core.play", "core.transfer", "core.time_condition", "core.blacklist",
            "core.voicemail", "core.survey", "core.goto", "core.hangup"} <= set(specs)
    menu = specs["core.menu"]
    assert (menu.plugin, menu.outcomes, menu.terminal) == ("core", tuple("123456789"), False)
    assert [p.name for p in menu.params] == ["prompt", "timeout_s", "retries", "idle_limit_s"]
    assert specs["core.transfer"].terminal and specs["core.time_condition"].outcomes == ("open", "closed")
    assert specs["flowplug.lookup"].outcomes == ("found", "not_found")
    assert specs["flowplug.bare"].outcomes is None and specs["flowplug.bare"].may_end
