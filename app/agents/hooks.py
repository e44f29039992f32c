"""The agent desk's declarations: the service forms page."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.agents import callback_dispatch, callback_events, callback_requests, callback_views, models, views  # noqa: F401
from app.calls.models import CallRecord
from app.declarations import AmiEvent, Job, NavItem, Permission, PluginBlueprint
from app.hookspecs import hookimpl


@hookimpl
def postline_permissions() -> list[Permission]:
    return [Permission("desk.forms", _l("Use agent forms"), roles=("agent", "teamlead")),
            Permission("desk.use", _l("Take calls on the agent desk"), roles=("agent", "teamlead")),
            Permission("desk.team", _l("Watch and manage the team's agents"), roles=("teamlead",))]


@hookimpl
def postline_nav_items() -> list[NavItem]:
    return [NavItem("desk.forms", _l("Service forms"), "agents.forms", "desk.forms", "desk", 20),
            NavItem("desk.callbacks", _l("Callbacks"), "agents.callbacks_page", "desk.use", "desk", 22)]


@hookimpl
def postline_blueprints() -> list[PluginBlueprint]:
    return [PluginBlueprint("agents", views.bp)]


@hookimpl
def postline_ami_event(event: AmiEvent) -> None:
    callback_events.on_event(event)


@hookimpl
def postline_jobs() -> list[Job]:
    return [Job("callback_spread", callback_dispatch.spread, "interval", {"minutes": 1},
                title=_l("Give due callbacks to ready agents"))]


@hookimpl
def postline_call_ended(call: CallRecord) -> None:
    callback_requests.from_ivr(call)
