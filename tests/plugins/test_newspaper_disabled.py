"""PostLine without the newspaper plugin: key 3 of the 11185 menu goes straight to the press
queue, no page, form, report or node of the plugin is offered, and the customer page works."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from app import api
from app.ivr import flows
from app.ivr.flows import defaults as default_flows
from app.ivr.nodes.registry import node_types
from app.ivr.simulator import simulate
from app.pluginhost import collect

NOW = datetime(2026, 12, 10, 2, 0, tzinfo=timezone.utc)


@pytest.fixture
def postline_plugins():
    return ["postcode"]


def test_key_3_goes_to_the_press_queue(app):
    definition = default_flows.flow_11185(node_types())
    assert flows.validate_here(definition) == []
    assert {s["id"] for s in definition["steps"]} & {"press-menu", "press-subscribe"} == set()
    default_flows.load()
    t = simulate(app, "11185", ["3"], now=NOW, dry_run=False)
    assert t.variables["POSTLINE_QUEUE"] == "press"


def test_nothing_of_the_plugin_is_offered(app, login):
    assert not [n for n in collect("postline_ivr_nodes") if n.name.startswith("newspaper.")]
    client = login("manager")
    assert client.get("/p/newspaper/").status_code == 404
    assert "newspaper." not in client.get("/reports/").get_data(as_text=True)
    agent = login("agent")
    assert "newspaper." not in agent.get("/desk/forms").get_data(as_text=True)
    assert agent.get("/desk/forms/newspaper.subscribe").status_code == 404
    customer = api.Customer(name="王芳")
    api.db.session.add(customer)
    api.db.session.commit()
    assert agent.get(f"/customers/{customer.id}").status_code == 200
