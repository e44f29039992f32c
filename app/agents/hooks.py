"""The agent desk's declarations: the desk with its live stream and screen pop, the
service forms page, and what the desk does with Asterisk's events."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.agents import desk_views, models, screen_pop, stream_views, views  # noqa: F401 (routes on views.bp)
from app.declarations import AmiEvent, NavItem, Permission, PluginBlueprint
from app.hookspecs import hookimpl


@hookimpl
def postline_permissions() -> list[Permission]:
    return [Permission("desk.forms", _l("Use agent forms"), roles=("agent", "teamlead")),
            Permission("desk.use", _l("Take calls on the agent desk"), roles=("agent", "teamlead")),
            Permission("desk.team", _l("Watch and manage the team's agents"), roles=("teamlead",))]


@hookimpl
def postline_nav_items() -> list[NavItem]:
    return [NavItem("desk.desk", _l("Agent desk"), "agents.desk", "desk.use", "desk", 1),
            NavItem("desk.forms", _l("Service forms"), "agents.forms", "desk.forms", "desk", 20)]


@hookimpl
def postline_blueprints() -> list[PluginBlueprint]:
    return [PluginBlueprint("agents", views.bp)]


@hookimpl
def postline_ami_event(event: AmiEvent) -> None:
    """Each part of the desk takes the events it handles, in turn; none of them commits
    (the worker does, after each event)."""
    screen_pop.on_event(event)
