"""The CTI room's declarations: its tables, the administrators' page on the AMI link and
its menu entry, and the worker's job that keeps the live-event log short."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.cti import ivr_exits, live, models, queue_log_follow, queue_log_table, views  # noqa: F401 (models: the room's tables)
from app.cti.queue_log_commands import cti_group
from app.declarations import CliCommand, Job, NavItem, Permission, PluginBlueprint
from app.hookspecs import hookimpl


@hookimpl
def postline_permissions() -> list[Permission]:
    return [Permission(views.ADMIN, _l("See the link to Asterisk (AMI) and the actions sent"), roles=("admin",))]


@hookimpl
def postline_nav_items() -> list[NavItem]:
    return [NavItem("cti.status", _l("Asterisk link"), "cti.status", views.ADMIN, "admin", 38)]


@hookimpl
def postline_blueprints() -> list[PluginBlueprint]:
    return [PluginBlueprint("cti", views.bp)]


@hookimpl
def postline_jobs() -> list[Job]:
    return [Job("live_events_purge", live.purge_old_events, "interval", {"hours": 1},
                title=_l("Forget old live events")),
            Job("queue_log_follow", queue_log_follow.follow_configured, "interval", {"seconds": 5},
                title=_l("Read new queue_log lines")),
            Job("queue_log_table", queue_log_table.read_configured, "interval", {"seconds": 5},
                title=_l("Read new queue_log table rows")),
            Job("ivr_exits", ivr_exits.write_ivr_exits, "interval", {"seconds": 30},
                title=_l("Write the IVR's calls into queue_log"))]


@hookimpl
def postline_cli_commands() -> list[CliCommand]:
    return [CliCommand("cti", cti_group, weight=60)]
