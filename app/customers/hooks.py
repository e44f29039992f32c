"""The customers room's declarations: who may see, edit and merge customers, their pages, their
command, demo data."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.auth.roles import STAFF
from app.customers import commands, demo, views
from app.declarations import CliCommand, DemoData, NavItem, Permission, PluginBlueprint
from app.hookspecs import hookimpl


@hookimpl
def postline_permissions() -> list[Permission]:
    return [
        Permission("customers.view", _l("View customers"), roles=STAFF),
        Permission("customers.edit", _l("Create and edit customers, add their notes and addresses"),
                   roles=("agent", "teamlead")),
        Permission("customers.merge", _l("Merge two records of the same customer"), roles=("teamlead", "manager")),
        Permission("customers.import", _l("Import customers from Excel"), roles=("teamlead", "manager")),
        Permission("customers.export", _l("Export customers to Excel"), roles=("teamlead", "manager")),
    ]


@hookimpl
def postline_nav_items() -> list[NavItem]:
    return [NavItem("customers", _l("Customers"), "customers.index", "customers.view", "desk", 10)]


@hookimpl
def postline_blueprints() -> list[PluginBlueprint]:
    return [PluginBlueprint("customers", views.bp)]


@hookimpl
def postline_demo_data() -> list[DemoData]:
    return [DemoData("customers.demo", demo.load, weight=20)]


@hookimpl
def postline_cli_commands() -> list[CliCommand]:
    return [CliCommand("customers", commands.customers_group, weight=35)]
