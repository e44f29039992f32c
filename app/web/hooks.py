"""The web room's declarations: the home page, the site administration pages, ``postline web``."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.declarations import CliCommand, NavItem, Permission, PluginBlueprint
from app.hookspecs import hookimpl
from app.web import admin, views
from app.web.commands import web_command


@hookimpl
def postline_permissions() -> list[Permission]:
    return [
        Permission("admin.plugins", _l("Manage plugins and their settings"), roles=()),
        Permission("admin.audit", _l("Read the audit log"), roles=()),
    ]


@hookimpl
def postline_nav_items() -> list[NavItem]:
    return [
        NavItem("admin.plugins", _l("Plugins"), "admin.plugins", "admin.plugins", "admin", 20),
        NavItem("admin.audit", _l("Audit log"), "admin.audit", "admin.audit", "admin", 30),
    ]


@hookimpl
def postline_blueprints() -> list[PluginBlueprint]:
    return [PluginBlueprint("main", views.bp), PluginBlueprint("admin", admin.bp)]


@hookimpl
def postline_cli_commands() -> list[CliCommand]:
    return [CliCommand("web", web_command, weight=60)]
