"""Every rule about names that plugins and core rooms declare, in one place.

A plugin's name is its entry-point name, and everything it declares starts with it, so that
two plugins (or a plugin and the core) can never take each other's pages, commands, tables,
IVR nodes or prompts. The core's rooms are registered with pluggy as ``core.<room>`` and
declare everything as the owner ``core``: their names are free of the prefix rules (the
core's IVR nodes are ``core.<node>``, its prompts and commands are unprefixed)."""
from __future__ import annotations

import re
from typing import Any

from app.rooms import CORE_ROOMS

#: The owner of everything the core's rooms declare (``Permission.plugin == "core"``).
CORE = "core"
#: Plugin names: what table prefixes, blueprint names and URL segments can carry.
PLUGIN_NAME = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
#: Names a plugin cannot take: the core's own, and its rooms' (their tables, commands and
#: URLs would collide with the plugin's).
RESERVED_NAMES = frozenset({CORE, *CORE_ROOMS})
#: Hooks whose names belong to the declaring plugin: settings are read as
#: ``(plugin, name)`` and jobs scheduled as ``<plugin>.<name>``, so two plugins may both
#: have a setting ``greeting``; only one plugin declaring a name twice is refused. A
#: plugin's blueprints and commands are kept apart by the prefix rules below instead.
PLUGIN_SCOPED_HOOKS = frozenset({"postline_settings", "postline_jobs", "postline_blueprints",
                                 "postline_cli_commands", "postline_knowledge_articles"})

#: Prompt names are file paths under the sounds folder: segments of lowercase letters,
#: digits, ``-`` and ``_`` (never starting with ``-`` or ``.``), joined by ``/``, so a name
#: can never leave that folder.
PROMPT_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*(?:/[a-z0-9][a-z0-9_-]*)*$")
PROMPT_NAME_RULE = "lowercase letters, digits, '-', '_' and '/' between parts (e.g. 'postcode/ask-code')"
MAX_PROMPT_NAME_LENGTH = 120


def room_plugin_name(room: str) -> str:
    """The name a core room is registered under with pluggy (``core.ivr``)."""
    return f"{CORE}.{room}"


def owner(registered_name: str) -> str:
    """Who a pluggy registration speaks for: ``core`` for the rooms, else the plugin."""
    return CORE if registered_name.startswith(CORE + ".") else registered_name


def plugin_name_problem(name: str) -> str | None:
    if not PLUGIN_NAME.match(name):
        return (f"plugin name {name!r} must be lowercase letters, digits and '_', starting "
                "with a letter (it prefixes the plugin's tables, pages and commands)")
    if name in RESERVED_NAMES:
        return f"plugin name {name!r} is taken by the core"
    return None


def job_id(job: Any) -> str:
    """The scheduler's id of a declared job: ``<plugin>.<name>``."""
    return f"{job.plugin}.{job.name}"


def table_problem(plugin: str, table: str) -> str | None:
    if not table.startswith(plugin + "_"):
        return (f"plugin {plugin!r} declares table {table!r}; plugin tables must start with "
                f"'{plugin}_'")
    return None


def blueprint_problem(item: Any, core_blueprints: set[str]) -> str | None:
    """Indico's rule: a plugin's blueprint is named after the plugin, so its endpoints
    cannot collide with the core's or another plugin's."""
    name, plugin = item.blueprint.name, item.plugin
    if plugin == CORE:
        return None
    if name != plugin and not name.startswith(plugin + "_"):
        return f"plugin {plugin!r}: blueprint {name!r} must be named {plugin!r} or start with '{plugin}_'"
    if name in core_blueprints:
        return f"plugin {plugin!r}: blueprint {name!r} is a core blueprint"
    return None


def command_name(item: Any) -> str:
    return item.command.name or item.name


def command_problem(item: Any, core_commands: set[str]) -> str | None:
    """A plugin's command is named after it and never shadows a core command."""
    name, plugin = command_name(item), item.plugin
    if plugin == CORE:
        return None
    if name != plugin and not name.startswith(plugin + "-"):
        return f"plugin {plugin!r}: command {name!r} must be named {plugin!r} or start with '{plugin}-'"
    if name in core_commands:
        return f"plugin {plugin!r}: command {name!r} is a core command"
    return None


def ivr_node_problem(item: Any) -> str | None:
    """Flows refer to nodes by name, so a node is ``<plugin>.<node>`` (``core.<node>``)."""
    if item.name.startswith(item.plugin + "."):
        return None
    return f"plugin {item.plugin!r}: IVR node {item.name!r} must be named '{item.plugin}.<node>'"


def setting_problem(item: Any) -> str | None:
    """Bounds belong to ``int`` settings, and the default keeps them: the settings form
    would refuse to save the page as it first shows it."""
    where = f"plugin {item.plugin!r}: setting {item.name!r}"
    bounds = (item.minimum, item.maximum)
    if item.kind != "int":
        return f"{where}: only an 'int' setting has a minimum or maximum" if bounds != (None, None) else None
    if any(b is not None and (isinstance(b, bool) or not isinstance(b, int)) for b in bounds):
        return f"{where}: minimum and maximum must be whole numbers"
    if item.minimum is not None and item.maximum is not None and item.minimum > item.maximum:
        return f"{where}: minimum {item.minimum} is above maximum {item.maximum}"
    if isinstance(item.default, bool) or not isinstance(item.default, int):
        return f"{where}: the default {item.default!r} is not a whole number"
    if ((item.minimum is not None and item.default < item.minimum)
            or (item.maximum is not None and item.default > item.maximum)):
        return f"{where}: the default {item.default} is outside {item.minimum}..{item.maximum}"
    return None


def prompt_problem(item: Any) -> str | None:
    """A valid file name, a plugin's under ``<plugin>/``, and a text to speak."""
    who = "the core" if item.plugin == CORE else f"plugin {item.plugin!r}"
    name = item.name
    if not isinstance(name, str) or not PROMPT_NAME.match(name) or len(name) > MAX_PROMPT_NAME_LENGTH:
        return f"{who}: invalid prompt name {name!r}: {PROMPT_NAME_RULE}"
    if item.plugin != CORE and not name.startswith(item.plugin + "/"):
        return f"{who}: prompt {name!r} must be named '{item.plugin}/...'"
    if not isinstance(item.text, str) or not item.text.strip():
        return f"{who}: prompt {name!r} has no text"
    return None
