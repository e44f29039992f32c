"""The EMS and parcels line: mail items and their tracking events, the IVR node
``ems.track`` (a caller types a number and hears where the item is), the agent's item
search and route, pickup bookings (揽收) that open a service work order for the pickup
department, complaints about damaged or lost items prefilled from the item, the screen
pop and customer timeline entries, two reports, the events import and demo data.

Only hooks live here; see docs/ems.md for the whole line. Numbers are checked in
:mod:`.numbers`, tracking goes through the adapter of :mod:`.tracking`."""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from app import api

from . import (
    booking,
    commands,
    demo,
    desk,
    ivr,
    models,  # noqa: F401  (puts the ems_ tables into the metadata)
    queries,
    report,
    settings,
    views,
)
from .forms import PickupFields, PickupForm

STAFF = ("agent", "backoffice", "teamlead", "qa", "manager")
REPORT = "ems.report"


@api.hookimpl
def postline_permissions() -> list[api.Permission]:
    return [
        api.Permission(views.TRACK, _l("Track EMS items"), roles=STAFF),
        api.Permission(views.PICKUP, _l("Book EMS pickups"), roles=("agent", "teamlead", "manager")),
        api.Permission(views.IMPORT, _l("Import EMS tracking events"), roles=("backoffice", "teamlead", "manager")),
        api.Permission(REPORT, _l("Download the EMS reports"), roles=("teamlead", "manager")),
    ]


@api.hookimpl
def postline_nav_items() -> list[api.NavItem]:
    return [
        api.NavItem("ems.track", _l("EMS tracking"), "ems.index", views.TRACK, "desk", 35),
        api.NavItem("ems.import", _l("Import EMS events"), "ems.import_page", views.IMPORT, "backoffice", 60),
    ]


@api.hookimpl
def postline_blueprints() -> list[api.PluginBlueprint]:
    return [api.PluginBlueprint(views.PLUGIN, views.bp)]


@api.hookimpl
def postline_settings() -> list[api.Setting]:
    return settings.declared()


@api.hookimpl
def postline_agent_forms() -> list[api.AgentForm]:
    return [api.AgentForm("ems.pickup", _l("Book an EMS pickup"), PickupForm, booking.book_pickup, views.PICKUP,
                          weight=40)]


@api.hookimpl
def postline_ticket_types() -> list[api.TicketType]:
    return [api.TicketType(booking.PICKUP_TYPE, _l("EMS pickup"),
                           categories=[booking.PICKUP_CATEGORY, ("上门揽收", "包裹揽收"), ("上门揽收", "预约改期")],
                           form_class=PickupFields, weight=60)]


@api.hookimpl
def postline_reports() -> list[api.Report]:
    return [
        api.Report("ems.queries", _l("EMS tracking queries"), REPORT, report.build_queries,
                   form_class=report.PeriodForm,
                   description=_l("Tracking queries per day and channel (IVR, agent, web), and how many found nothing.")),
        api.Report("ems.pickups", _l("EMS pickup bookings"), REPORT, report.build_pickups,
                   form_class=report.PeriodForm,
                   description=_l("Pickup bookings made in the period, per district and status.")),
    ]


@api.hookimpl
def postline_ivr_nodes() -> list[api.IVRNode]:
    return [api.IVRNode(ivr.NODE, _l("EMS item tracking"), ivr.TrackNode, weight=55)]


@api.hookimpl
def postline_prompts() -> list[api.Prompt]:
    return ivr.prompts()


@api.hookimpl
def postline_screen_pop(call: Any) -> list[api.ScreenPopPanel]:
    return desk.screen_pop(call)


@api.hookimpl
def postline_customer_timeline(customer: api.Customer) -> list[api.TimelineEntry]:
    return desk.timeline(customer)


@api.hookimpl
def postline_call_ended(call: api.CallRecord) -> None:
    queries.record_call_queries(call)


#: A pickup order's action → the booking's status.
PICKUP_STATUS = {"resolve": "done", "close": "done", "reopen": "booked"}


@api.hookimpl
def postline_ticket_changed(order: Any, action: str) -> None:
    """The booking follows its work order: picked up once resolved, booked again when
    reopened, cancelled when merged into another order (a duplicate booking)."""
    if order.type_code != booking.PICKUP_TYPE:
        return
    if action == "merge" and order.state == "merged":
        booking.follow_order(order.number, "cancelled")
    elif action in PICKUP_STATUS:
        booking.follow_order(order.number, PICKUP_STATUS[action])


@api.hookimpl
def postline_demo_data() -> list[api.DemoData]:
    return [api.DemoData("ems.items", demo.load, weight=60)]


@api.hookimpl
def postline_cli_commands() -> list[api.CliCommand]:
    return [api.CliCommand("ems-import", commands.import_command)]
