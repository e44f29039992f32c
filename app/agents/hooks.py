"""The agent desk's declarations: the service forms page, the agent's state control, the
team lead's live view, the administrator's agents and pause reasons, the ACW limit job,
what Asterisk reports about agents, the desk with its live stream and screen pop, and the
demo agents."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.agents import (  # noqa: F401 (models, and views that add their pages to views.bp)
    acw,
    admin_views,
    asterisk_states,
    call_views,
    callback_dispatch,
    callback_events,
    callback_requests,
    callback_views,
    demo,
    desk_views,
    models,
    queue_models,
    screen_pop,
    state_views,
    stream_views,
    team_views,
    views,
)
from app.calls.models import CallRecord
from app.declarations import AmiEvent, DemoData, Job, NavItem, Permission, PluginBlueprint
from app.hookspecs import hookimpl


@hookimpl
def postline_permissions() -> list[Permission]:
    return [Permission("desk.forms", _l("Use agent forms"), roles=("agent", "teamlead")),
            Permission("desk.use", _l("Take calls on the agent desk"), roles=("agent", "teamlead")),
            Permission("desk.team", _l("Watch and manage the team's agents"), roles=("teamlead",)),
            Permission(team_views.SPY, _l("Listen in on, whisper to and barge into agents' calls"),
                       roles=("teamlead",)),
            Permission(admin_views.ADMIN, _l("Manage agents and pause reasons"), roles=("admin", "teamlead"))]


@hookimpl
def postline_nav_items() -> list[NavItem]:
    return [NavItem("desk.desk", _l("Agent desk"), "agents.desk", "desk.use", "desk", 1),
            NavItem("desk.forms", _l("Service forms"), "agents.forms", "desk.forms", "desk", 20),
            NavItem("desk.callbacks", _l("Callbacks"), "agents.callbacks_page", "desk.use", "desk", 22),
            NavItem("desk.team", _l("My team"), "agents.team_view", "desk.team", "desk", 30),
            NavItem("desk.admin_agents", _l("Agents"), "agents.admin_agents", admin_views.ADMIN, "admin", 30),
            NavItem("desk.admin_pause_reasons", _l("Pause reasons"), "agents.admin_pause_reasons",
                    admin_views.ADMIN, "admin", 31),
            NavItem("desk.unsummarised", _l("Calls to summarise"), "agents.unsummarised", "desk.use", "desk", 15)]


@hookimpl
def postline_blueprints() -> list[PluginBlueprint]:
    return [PluginBlueprint("agents", views.bp)]


@hookimpl
def postline_jobs() -> list[Job]:
    return [Job("acw_limit", acw.end_overdue_job, "interval", {"seconds": acw.CHECK_SECONDS},
                title=_l("End after-call work past its limit")),
            Job("callback_spread", callback_dispatch.spread, "interval", {"minutes": 1},
                title=_l("Give due callbacks to ready agents"))]


@hookimpl
def postline_demo_data() -> list[DemoData]:
    return [DemoData("agents.demo", demo.load, weight=30)]


@hookimpl
def postline_ami_event(event: AmiEvent) -> None:
    """Each part of the desk takes the events it handles, in turn; none of them commits
    (the worker does, after each event). The screen pop first: it records the agent on the
    call, which the states part then leaves alone."""
    screen_pop.on_event(event)
    asterisk_states.on_event(event)
    callback_events.on_event(event)


@hookimpl
def postline_call_ended(call: CallRecord) -> None:
    callback_requests.from_ivr(call)
