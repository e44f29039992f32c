"""The agent desk's declarations: the service forms page."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.agents import call_views, models, views  # noqa: F401
from app.declarations import NavItem, Permission, PluginBlueprint
from app.hookspecs import hookimpl


@hookimpl
def postline_permissions() -> list[Permission]:
    return [Permission("desk.forms", _l("Use agent forms"), roles=("agent", "teamlead")),
            Permission("desk.use", _l("Take calls on the agent desk"), roles=("agent", "teamlead")),
            Permission("desk.team", _l("Watch and manage the team's agents"), roles=("teamlead",))]


@hookimpl
def postline_nav_items() -> list[NavItem]:
    return [NavItem("desk.forms", _l("Service forms"), "agents.forms", "desk.forms", "desk", 20),
            NavItem("desk.unsummarised", _l("Calls to summarise"), "agents.unsummarised", "desk.use", "desk", 15)]


@hookimpl
def postline_blueprints() -> list[PluginBlueprint]:
    return [PluginBlueprint("agents", views.bp)]
