"""The EMS plugin as a whole: its declarations, its own migrations, its demo data, the
core's ``open_work_order`` it books through, and PostLine without it (pages, default
flows and menus still fine)."""
from __future__ import annotations

import pytest
from sqlalchemy import inspect, select

from app import api
from app.auth.models import Department
from app.extensions import db
from app.ivr.flows import defaults as default_flows
from app.ivr.models import IVRLine
from app.ivr.nodes.registry import node_types
from app.ivr.prompts import catalog
from app.ivr.simulator import simulate
from app.pluginhost import collect
from app.pluginhost.migrations import current_revisions, head_revisions, plugin_info
from app.tickets.models import TicketEntry, WorkOrder
from plugins.ems import demo
from plugins.ems.models import EmsEvent, EmsItem


def test_the_plugin_declares_its_line(app):
    assert {p.name for p in collect("postline_permissions") if p.plugin == "ems"} == \
        {"ems.track", "ems.pickup", "ems.import", "ems.report"}
    assert {r.name for r in collect("postline_reports") if r.plugin == "ems"} == {"ems.queries", "ems.pickups"}
    assert [t.name for t in collect("postline_ticket_types") if t.plugin == "ems"] == ["ems_pickup"]
    assert [f.name for f in collect("postline_agent_forms") if f.plugin == "ems"] == ["ems.pickup"]
    assert {s.name for s in collect("postline_settings") if s.plugin == "ems"} == \
        {"pickup_department", "districts", "tracking_service"}
    assert [c.name for c in collect("postline_cli_commands") if c.plugin == "ems"] == ["ems-import"]


def test_its_tables_come_from_its_own_migrations(app):
    info = plugin_info("ems")
    assert current_revisions(info) == head_revisions(info)
    tables = set(inspect(db.engine).get_table_names())
    assert {"ems_item", "ems_event", "ems_query", "ems_pickup", "alembic_version_ems"} <= tables


def test_the_agents_menu_shows_tracking_and_the_back_office_the_import(app, login, client_for, make_user):
    agent = login("agent").get("/").get_data(as_text=True)
    assert 'data-nav="ems.track"' in agent and 'data-nav="ems.import"' not in agent
    clerk = client_for(make_user("backoffice")).get("/").get_data(as_text=True)
    assert 'data-nav="ems.import"' in clerk


def test_demo_data_loads_once_and_tells_where_items_are(app, login):
    assert demo.load() == {"ems_items": 3, "ems_events": 8}
    assert demo.load() == {"ems_items": 0, "ems_events": 0}
    numbers = list(db.session.scalars(select(EmsItem.number).order_by(EmsItem.id)))
    assert numbers == ["EA123456785CN", "1100123456789", "EA876543216CN"]
    assert db.session.query(EmsEvent).count() == 8
    page = login("agent").get("/p/ems/?number=EA123456785CN").get_data(as_text=True)
    assert "正在派送" in page


def test_the_demo_numbers_check(app):
    from plugins.ems.numbers import parse

    for number, *_ in demo.ITEMS:
        assert parse(number).text == number


# --- app.api.open_work_order: the core's path for a plugin's own forms --------------------------

def test_open_work_order_registers_and_assigns(app, make_user):
    department = Department(code="ems", name="速递物流部")
    db.session.add(department)
    db.session.commit()
    agent = make_user("agent")
    order = api.open_work_order(agent, type_code="ems_pickup", subject="上门揽收", description="东四十条22号",
                                category=("上门揽收", "EMS 揽收"), department_code="ems", extra={"window": "9-11"})
    db.session.expire_all()
    order = db.session.get(WorkOrder, order.id)
    assert (order.state, order.department_id, order.type_code) == ("assigned", department.id, "ems_pickup")
    assert order.category.name == "EMS 揽收" and order.created_by_id == agent.id
    actions = [e.action for e in db.session.scalars(select(TicketEntry).where(TicketEntry.order_id == order.id))]
    assert "register" in actions and "assign" in actions


def test_open_work_order_leaves_an_order_new_for_an_unknown_department_or_a_user_who_may_not_assign(
        app, make_user):
    order = api.open_work_order(make_user("agent"), type_code="complaint", subject="破损", department_code="nosuch")
    assert (order.state, order.department_id) == ("new", None)
    db.session.add(Department(code="ems", name="速递物流部"))
    db.session.commit()
    order = api.open_work_order(make_user("qa"), type_code="complaint", subject="破损", department_code="ems")
    assert (order.state, order.department_id) == ("new", None)


def test_open_work_order_refuses_an_unknown_type(app, make_user):
    with pytest.raises(api.UnknownTicketType):
        api.open_work_order(make_user("agent"), type_code="nosuch", subject="x")


# --- PostLine without the plugin -------------------------------------------------------------------

class TestWithoutTheEmsPlugin:
    @pytest.fixture
    def postline_plugins(self):
        return ["postcode"]

    def test_no_declaration_of_the_plugin_is_left(self, app):
        assert "ems.track" not in node_types()
        assert not [p for p in collect("postline_permissions") if p.plugin == "ems"]
        assert not [name for name in catalog(app) if name.startswith("ems/")]

    def test_pages_and_menus_are_fine(self, app, login):
        client = login("agent")
        home = client.get("/")
        assert home.status_code == 200 and 'data-nav="ems.track"' not in home.get_data(as_text=True)
        forms = client.get("/desk/forms")
        assert forms.status_code == 200 and "ems.pickup" not in forms.get_data(as_text=True)
        assert client.get("/p/ems/").status_code == 404
        assert client.get("/desk/forms/ems.pickup").status_code == 404
        manager = login("manager")
        reports = manager.get("/reports/")
        assert reports.status_code == 200 and "ems.queries" not in reports.get_data(as_text=True)
        assert manager.get("/tickets/new").status_code == 200

    def test_the_default_flow_transfers_key_2_to_the_ems_agents(self, app):
        definition = default_flows.flow_11185(node_types())
        menu = next(s for s in definition["steps"] if s["id"] == "menu")
        assert menu["next"]["2"] == "ems"
        assert not [s for s in definition["steps"] if s["type"] == "ems.track"]
        default_flows.load()
        db.session.scalar(select(IVRLine).where(IVRLine.number == "11185")).calendar.hours = "{}"
        db.session.commit()
        transcript = simulate(app, "11185", ["2"], dry_run=False)
        assert transcript.variables["POSTLINE_QUEUE"] == "ems"
