"""The reports room's declarations: the reports page and who may open it."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.declarations import NavItem, Permission, PluginBlueprint
from app.hookspecs import hookimpl
from app.reports import views


@hookimpl
def postline_permissions() -> list[Permission]:
    return [Permission("reports.view", _l("Download reports"), roles=("teamlead", "manager"))]


@hookimpl
def postline_nav_items() -> list[NavItem]:
    return [NavItem("reports", _l("Reports"), "reports.index", "reports.view", "reports", 10)]


@hookimpl
def postline_blueprints() -> list[PluginBlueprint]:
    return [PluginBlueprint("reports", views.bp)]
