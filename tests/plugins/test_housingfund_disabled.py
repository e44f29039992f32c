"""PostLine without the housingfund plugin: the 12329 flow keeps its transfers, the core's
12329 report still builds, the plugin's pages and nodes are gone."""
from __future__ import annotations

import pytest

from app.ivr import flows
from app.ivr.flows import defaults as default_flows
from app.ivr.nodes.registry import node_types
from app.ivr.simulator import simulate
from app.pluginhost import collect


@pytest.fixture
def postline_plugins():
    return ["postcode"]


def test_without_the_plugin_the_12329_line_transfers_as_before(app):
    assert not [n for n in node_types() if n.startswith("housingfund.")]
    definition = default_flows.flow_12329(node_types())
    assert flows.validate_here(definition) == []
    default_flows.load()
    from datetime import datetime, timezone

    t = simulate(app, "12329", ["1"], now=datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc), dry_run=False)
    assert t.heard[:2] == ["welcome-12329", "menu-12329"] and t.variables["POSTLINE_QUEUE"] == "12329"


def test_without_the_plugin_its_pages_are_gone_and_the_core_report_remains(app, login):
    client = login("manager")
    assert client.get("/p/housingfund/").status_code == 404
    assert "housingfund-12329" in [r.name for r in collect("postline_reports")]
    assert not [r for r in collect("postline_reports") if r.plugin == "housingfund"]
    assert client.get("/").status_code == 200
