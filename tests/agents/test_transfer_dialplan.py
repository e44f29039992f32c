"""The transfer contexts in dialplan/extensions_postline.conf, without Asterisk: the
extensions app/agents/transfers.py redirects to exist, and the blind transfer's paths walked
by the dialplan interpreter (to a queue without the preferred agent; to an agent, back to
the queue when he does not answer)."""
from __future__ import annotations

from pathlib import Path

import pytest

from app.agents import transfers
from app.testing import dialplan as kit
from app.testing.dialplan import Dialplan, parse_dialplan, scenario, split_top

DIALPLAN = Path(__file__).resolve().parents[2] / "dialplan"


@pytest.fixture(scope="module")
def plan() -> Dialplan:
    return parse_dialplan((DIALPLAN / "extensions_postline.conf").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def queues() -> set[str]:
    return kit.queue_names((DIALPLAN / "queues.conf.sample").read_text(encoding="utf-8"))


def test_the_contexts_and_extensions_the_desk_redirects_to_exist(plan: Dialplan):
    assert {"_q.", "_a."} <= set(plan.contexts[transfers.TRANSFER_CONTEXT])
    assert {"_q.", "_a."} <= set(plan.contexts[transfers.CONSULT_CONTEXT])
    assert {"_c.", "_m."} <= set(plan.contexts[transfers.CONFERENCE_CONTEXT])


def test_everybody_in_a_three_way_call_meets_in_one_conference(plan: Dialplan):
    conference = plan.contexts[transfers.CONFERENCE_CONTEXT]
    bridges = {exten: [p.args for p in prios if p.app == "ConfBridge"] for exten, prios in conference.items()}
    assert bridges == {"_c.": ["postline-${EXTEN:1}"], "_m.": ["postline-${EXTEN:1}"]}
    sets = {exten: {p.args for p in prios if p.app == "Set"} for exten, prios in conference.items()}
    assert "CONFBRIDGE(user,end_marked)=yes" in sets["_c."]
    assert "CONFBRIDGE(user,marked)=yes" in sets["_m."]


def test_a_blind_transfer_to_a_queue_skips_the_preferred_agent(plan: Dialplan, queues: set[str]):
    ast = scenario(plan, queues, agent="PJSIP/8001", members="PJSIP/8001")
    ast.variables.update({"EXTEN:1": "postline-ems", "POSTLINE_AGENT": "PJSIP/8001", "UNIQUEID": "1.1"})
    ast.run(transfers.TRANSFER_CONTEXT, "_q.")
    assert ast.apps("Dial") == []
    assert split_top(ast.apps("Queue")[0], ",")[0] == "postline-ems"


def test_a_blind_transfer_to_an_agent_who_does_not_answer_goes_back_to_the_queue(plan: Dialplan, queues):
    ast = scenario(plan, queues, dial_result="NOANSWER")
    ast.variables.update({"EXTEN:1": "8002", "POSTLINE_TRANSFER_TO": "PJSIP/8002", "POSTLINE_Q": "postline-11185",
                          "UNIQUEID": "1.1"})
    ast.run(transfers.TRANSFER_CONTEXT, "_a.")
    assert ast.apps("Dial") == ["PJSIP/8002,20,gt"]
    assert split_top(ast.apps("Queue")[0], ",")[0] == "postline-11185"


def test_without_his_interface_the_agents_extension_is_dialled(plan: Dialplan, queues):
    ast = scenario(plan, queues, dial_result="NOANSWER")
    ast.variables.update({"EXTEN:1": "8002", "POSTLINE_Q": "postline-11185", "UNIQUEID": "1.1"})
    ast.run(transfers.TRANSFER_CONTEXT, "_a.")
    assert ast.apps("Dial")[0].startswith("PJSIP/8002,")
