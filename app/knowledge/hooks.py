"""The knowledge room's declarations: who may read and who may write articles, its pages,
its command, its demonstration articles."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.auth.roles import STAFF
from app.declarations import CliCommand, DemoData, NavItem, Permission, PluginBlueprint
from app.hookspecs import hookimpl
from app.knowledge import demo, views
from app.knowledge.commands import knowledge_group


@hookimpl
def postline_permissions() -> list[Permission]:
    return [
        Permission(views.READ, _l("Read the knowledge base"), roles=STAFF),
        Permission(views.EDIT, _l("Write and publish knowledge articles"), roles=("teamlead", "manager")),
    ]


@hookimpl
def postline_nav_items() -> list[NavItem]:
    return [NavItem("knowledge", _l("Knowledge base"), "knowledge.index", views.READ, "desk", 20)]


@hookimpl
def postline_blueprints() -> list[PluginBlueprint]:
    return [PluginBlueprint("knowledge", views.bp)]


@hookimpl
def postline_cli_commands() -> list[CliCommand]:
    return [CliCommand("knowledge", knowledge_group, weight=60)]


@hookimpl
def postline_demo_data() -> list[DemoData]:
    return [DemoData("knowledge.demo", demo.load, weight=40)]
