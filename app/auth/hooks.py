"""The auth room's declarations: staff accounts, their pages and commands, demo staff."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.auth import demo, users_views, views
from app.auth.commands import users_group
from app.auth.roles import STAFF
from app.declarations import CliCommand, DemoData, NavItem, Permission, PluginBlueprint
from app.hookspecs import hookimpl


@hookimpl
def postline_permissions() -> list[Permission]:
    return [
        Permission("core.home", _l("Use PostLine"), roles=STAFF),
        Permission("admin.users", _l("Manage users"), roles=()),
    ]


@hookimpl
def postline_nav_items() -> list[NavItem]:
    return [NavItem("admin.users", _l("Users"), "users.index", "admin.users", "admin", 10)]


@hookimpl
def postline_blueprints() -> list[PluginBlueprint]:
    return [PluginBlueprint("auth", views.bp), PluginBlueprint("users", users_views.bp)]


@hookimpl
def postline_cli_commands() -> list[CliCommand]:
    return [CliCommand("users", users_group, weight=30)]


@hookimpl
def postline_demo_data() -> list[DemoData]:
    return [DemoData("auth.staff", demo.load, weight=10)]
