"""What hooks return: small declarations that the core turns into pages, menus, jobs...

Every declaration has a ``name`` (unique within its hook across all plugins) and a
``weight`` (lower first). ``collect()`` fills in ``plugin`` with the name of the plugin that
declared it (``core`` for the core's rooms), so nobody has to trust a plugin to name itself."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import click
from flask import Blueprint


@dataclass
class Permission:
    """A named right, e.g. ``postcode.lookup``, granted by default to ``roles``.

    ``admin`` holds every permission whatever ``roles`` says."""

    name: str
    title: str
    roles: Sequence[str] = ()
    weight: int = 100
    plugin: str = ""


@dataclass
class NavItem:
    """A link in the main navigation, shown only to users holding ``permission``."""

    name: str
    title: str
    endpoint: str
    permission: str
    section: str = "desk"  # desk | backoffice | reports | admin
    weight: int = 100
    plugin: str = ""


@dataclass
class PluginBlueprint:
    """A plugin's pages. The blueprint must be named after the plugin (``postcode`` or
    ``postcode_*``); it is mounted under ``/p/<plugin>``."""

    name: str
    blueprint: Blueprint
    weight: int = 100
    plugin: str = ""


@dataclass
class AgentForm:
    """A form an agent fills in during a call (a booking, an order). ``handle(form, user)``
    saves it and returns the confirmation shown to the agent."""

    name: str
    title: str
    form_class: type
    handle: Callable[[Any, Any], str]
    permission: str
    weight: int = 100
    plugin: str = ""


@dataclass
class Report:
    """A downloadable Excel report. ``build(params)`` returns an ``openpyxl.Workbook``;
    ``form_class`` (optional, a WTForms form) asks for the parameters."""

    name: str
    title: str
    permission: str
    build: Callable[[dict[str, Any]], Any]
    form_class: type | None = None
    description: str = ""
    weight: int = 100
    plugin: str = ""


@dataclass
class IVRNode:
    """A leaf of an IVR flow, named ``<plugin>.<node>``. ``node_class`` (best a subclass of
    ``app.api.Node``, with ``params_spec``, ``outcomes`` and ``terminal``) has
    ``run(call) -> outcome``: the step's ``next`` in the flow maps that outcome to the
    next step. ``call`` is an ``app.api.Call`` (play, ask, menu, say_*, authenticate,
    record, transfer, hangup; see ``docs/plugin_hooks.md``)."""

    name: str
    title: str
    node_class: type
    weight: int = 100
    plugin: str = ""


@dataclass
class Job:
    """A scheduled job run by the worker. ``func`` must be a module-level function (the
    scheduler stores it by reference); it runs inside an app context. ``trigger`` and
    ``trigger_args`` are APScheduler's (``"cron", {"hour": 2}`` or ``"interval", {"minutes": 5}``)."""

    name: str
    func: Callable[[], Any]
    trigger: str
    trigger_args: dict[str, Any] = field(default_factory=dict)
    title: str = ""
    weight: int = 100
    plugin: str = ""


@dataclass
class Setting:
    """A plugin setting with its default; admins change it on the plugin's settings page.
    ``kind`` is ``str``, ``int``, ``bool`` or ``choice`` (with ``choices``). An ``int``
    setting accepts only values from ``minimum`` to ``maximum`` (``None``: the database's
    integer range), so a value the plugin cannot use is a form error, not a surprise."""

    name: str
    title: str
    default: Any
    kind: str = "str"
    choices: Sequence[tuple[str, str]] = ()
    description: str = ""
    minimum: int | None = None
    maximum: int | None = None
    weight: int = 100
    plugin: str = ""


@dataclass
class TimelineEntry:
    """Something that happened with a customer, shown on the customer's page."""

    name: str
    at: datetime
    title: str
    detail: str = ""
    url: str = ""
    weight: int = 100
    plugin: str = ""


@dataclass
class CliCommand:
    """A ``postline`` sub-command. Its name must be the plugin's name or start with it
    (``postcode``, ``postcode-import``), so that plugins cannot shadow core commands."""

    name: str
    command: click.Command
    weight: int = 100
    plugin: str = ""


@dataclass
class Prompt:
    """A sentence the IVR says: ``name`` is its sound file's name (``postcode/ask-code``
    plays ``<sounds>/postcode/ask-code``), ``text`` the Mandarin that ``postline prompts
    build`` speaks into it. A plugin's names start with ``<plugin>/``."""

    name: str
    text: str
    weight: int = 100
    plugin: str = ""


@dataclass
class DemoData:
    """Demonstration data for ``postline demo load``. ``load()`` adds what is missing (a
    second run adds nothing) and returns how many of each kind it added."""

    name: str
    load: Callable[[], dict[str, int]]
    weight: int = 100
    plugin: str = ""


@dataclass
class PostcodeAnswer:
    """The postcode of an address's province/city/county, as a postcode plugin knows it;
    ``place`` names the region it found (shown next to the postcode)."""

    postcode: str
    place: str = ""
