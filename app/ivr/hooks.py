"""The IVR room's declarations: its pages, the core's nodes, its commands, the default
hotlines."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.declarations import CliCommand, DemoData, IVRNode, NavItem, Permission, PluginBlueprint, Prompt
from app.hookspecs import hookimpl
from app.ivr import web
from app.ivr.commands import agi_command, prompts_group
from app.ivr.flows import defaults
from app.ivr.nodes import core_nodes
from app.ivr.prompts.texts import core_prompts


@hookimpl
def postline_permissions() -> list[Permission]:
    return [
        Permission("ivr.flows", _l("Edit and simulate IVR call flows"), roles=("teamlead",)),
        Permission("ivr.voicemail", _l("Listen to and handle voice messages"), roles=("agent", "teamlead")),
        Permission("ivr.incidents", _l("Turn incident announcements on and off"), roles=("teamlead", "manager")),
    ]


@hookimpl
def postline_nav_items() -> list[NavItem]:
    return [
        NavItem("ivr.voicemail", _l("Voice messages"), "ivr.voicemail_list", "ivr.voicemail", "desk", 30),
        NavItem("ivr.incidents", _l("Incident announcements"), "ivr.incidents", "ivr.incidents", "admin", 34),
        NavItem("ivr.lines", _l("Hotline lines"), "ivr.line_list", "ivr.flows", "admin", 35),
        NavItem("ivr.flows", _l("Call flows"), "ivr.flow_list", "ivr.flows", "admin", 40),
        NavItem("ivr.simulator", _l("Flow simulator"), "ivr.simulator", "ivr.flows", "admin", 50),
    ]


@hookimpl
def postline_blueprints() -> list[PluginBlueprint]:
    return [PluginBlueprint("ivr", web.bp)]


@hookimpl
def postline_ivr_nodes() -> list[IVRNode]:
    return core_nodes()


@hookimpl
def postline_prompts() -> list[Prompt]:
    return core_prompts()


@hookimpl
def postline_cli_commands() -> list[CliCommand]:
    return [CliCommand("prompts", prompts_group, weight=50), CliCommand("agi", agi_command, weight=61)]


@hookimpl
def postline_demo_data() -> list[DemoData]:
    return [DemoData("ivr.hotlines", defaults.load, weight=30)]
