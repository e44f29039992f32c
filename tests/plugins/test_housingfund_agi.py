"""The 12329 line through the real FastAGI server and the Asterisk emulator: the default
flow with the plugin's nodes (personal → identify → balance/loan menu, company, booking,
policy, branches), failures to an agent, 0, *, wrong keys, and a hangup at every command;
and the same flow falling back to transfers when the nodes are not declared."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from app.extensions import db
from app.ivr import flows
from app.ivr.flows import defaults as default_flows
from app.ivr.models import IVRLine
from app.ivr.nodes.registry import node_types
from app.ivr.simulator import simulate
from plugins.housingfund import demo
from plugins.housingfund.models import Booking
from tests.plugins.housingfund_support import COMPANY, COMPANY_PIN, LI_ID, PIN, ZHANG, node, records

MONDAY_10H = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)  # 10:00 in Shanghai
BALANCE_END = "housingfund/state-normal"


@pytest.fixture
def fund(app):
    default_flows.load()
    demo.load()


@pytest.fixture
def server(app, fund, agi_server):
    db.session.scalar(select(IVRLine).where(IVRLine.number == "12329")).calendar.hours = "{}"  # always open
    db.session.commit()
    return agi_server(app=app)


# --- the default flow -----------------------------------------------------------------------

def test_the_default_flow_uses_the_nodes_when_declared(app):
    definition = default_flows.flow_12329(node_types())
    assert flows.validate_here(definition) == []
    types = {s["id"]: s["type"] for s in definition["steps"]}
    assert {types[s] for s in ("identify", "fund-balance", "fund-loan", "fund-company", "fund-booking",
                               "fund-policy", "fund-branches")} == {
        "housingfund.identify", "housingfund.balance", "housingfund.loan", "housingfund.company",
        "housingfund.booking", "housingfund.policy", "housingfund.branches"}
    menu = next(s for s in definition["steps"] if s["id"] == "menu")
    assert menu["params"]["prompt"] == "housingfund/menu-main"


def test_personal_identify_then_balance_then_loan_then_back(app, fund):
    t = simulate(app, "12329", ["1", "1", ZHANG, PIN, "1", "2", "9", "4", "1", "0"], now=MONDAY_10H, dry_run=False)
    heard = t.heard
    assert heard[:3] == ["welcome-12329", "housingfund/menu-main", "housingfund/ask-method"]
    assert heard.index("housingfund/menu-personal") > heard.index("housingfund/identified")
    # balance, then the personal menu again, then the loan without a second identification
    assert heard.count("housingfund/ask-password") == 1
    assert heard[heard.index(BALANCE_END) + 1] == "housingfund/menu-personal"
    assert "housingfund/loan-state-repaying" in heard
    # 9 goes back to the main menu, 4 the policy guide, then 0 for an agent
    assert "housingfund/policy/deposit" in heard
    assert t.variables["POSTLINE_QUEUE"] == "12329"
    assert records()[-1].outcome == "transferred"


def test_a_locked_caller_goes_to_an_agent(app, fund):
    t = simulate(app, "12329", ["1", "1", ZHANG, "000000", "111111", "222222"], now=MONDAY_10H, dry_run=False)
    assert t.heard[t.heard.index("auth-locked") + 1] == "transfer-wait"
    assert t.variables["POSTLINE_QUEUE"] == "12329"


def test_without_the_nodes_the_flow_keeps_todays_transfers(app):
    types = {k: v for k, v in node_types().items() if not k.startswith("housingfund.")}
    definition = default_flows.flow_12329(types)
    assert flows.validate_here(definition) == []
    assert not any(s["type"].startswith("housingfund.") for s in definition["steps"])
    menu = next(s for s in definition["steps"] if s["id"] == "menu")
    assert menu["params"]["prompt"] == "menu-12329" and menu["next"] == {"1": "personal", "2": "loan",
                                                                         "3": "policy"}


# --- over AGI -----------------------------------------------------------------------------

def test_over_agi_balance_by_id_card_with_a_star(server):
    t = server.call(node("balance"), keys=["2", LI_ID.replace("X", "*") + "#", PIN])
    assert t.ok, t.failures
    assert t.heard[:4] == ["housingfund/ask-method", "housingfund/ask-idcard", "housingfund/ask-password",
                           "housingfund/identified"]
    assert t.variables["POSTLINE_OUTCOME"] == "done" and t.status == "OK"


def test_over_agi_wrong_input_retry_star_and_zero(server):
    t = server.call(node("balance"), keys=["7", "*", "1", "12#", ZHANG + "#", PIN])
    assert t.ok, t.failures
    assert t.heard[:6] == ["housingfund/ask-method", "invalid-input", "housingfund/ask-method",
                           "housingfund/ask-method", "housingfund/ask-account", "invalid-input"]
    assert t.heard[-1] == BALANCE_END
    t = server.call(node("company"), keys=["0"])
    assert t.ok, t.failures
    assert t.variables["POSTLINE_QUEUE"] == "12329"


def test_over_agi_from_the_main_menu_company_then_booking(server):
    t = server.call("ivr?line=12329", keys=["2", COMPANY + "#", COMPANY_PIN, "3", "1", ZHANG + "#", PIN,
                                            "1", "1", "1", "0"])
    assert t.ok, t.failures
    assert "housingfund/company-employees" in t.heard and "housingfund/booked" in t.heard
    assert t.variables["POSTLINE_QUEUE"] == "12329"
    (booking,) = db.session.scalars(select(Booking)).all()
    assert booking.channel == "ivr"


def test_over_agi_a_hangup_during_any_command_leaves_a_closed_record(server):
    keys = ["1", ZHANG + "#", PIN]
    full = server.call(node("loan"), keys=keys)
    assert full.ok and full.variables["POSTLINE_OUTCOME"] == "done"
    for n in range(1, len(full.steps) + 1):
        t = server.call(node("loan"), keys=keys, hangup_at=n)
        assert t.ok, (n, t.failures)
        found = records()
        assert len(found) == n + 1, f"hangup at command {n}"
        assert found[-1].ended_at is not None and found[-1].outcome, f"hangup at command {n}"
