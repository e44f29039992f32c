"""The contract between PostLine and its plugins.

Every hook returns a list of declarations from :mod:`app.api` (or ``None``); the core
gathers them with :func:`app.plugin_loader.collect`, which tags, de-duplicates and orders
them. Hooks only ever gain optional arguments: a plugin written for an older PostLine keeps
working. Each hook is documented in ``docs/plugin_hooks.md`` and tested in
``tests/test_hooks.py`` (``tests/test_hook_contract.py`` enforces both)."""
from __future__ import annotations

from typing import Any

import pluggy

hookspec = pluggy.HookspecMarker("postline")
hookimpl = pluggy.HookimplMarker("postline")


@hookspec
def postline_permissions() -> list[Any]:
    """Named permissions the plugin checks, with the roles that hold them by default."""


@hookspec
def postline_nav_items() -> list[Any]:
    """Links for the main navigation; each is shown only to users with its permission."""


@hookspec
def postline_blueprints() -> list[Any]:
    """The plugin's web pages, mounted under ``/p/<plugin>``; every view needs a permission."""


@hookspec
def postline_agent_forms() -> list[Any]:
    """Forms an agent fills in during a call (bookings, orders, subscriptions)."""


@hookspec
def postline_reports() -> list[Any]:
    """Excel reports offered on the reports page to users holding their permission."""


@hookspec
def postline_ivr_nodes() -> list[Any]:
    """IVR nodes (leaves of the call flows) named ``<plugin>.<node>``."""


@hookspec
def postline_jobs() -> list[Any]:
    """Scheduled jobs the worker runs (one worker per site, so a job never runs twice)."""


@hookspec
def postline_settings() -> list[Any]:
    """The plugin's settings with defaults; an admin page edits them."""


@hookspec
def postline_customer_timeline(customer: Any) -> list[Any]:
    """What the plugin knows happened with ``customer``, for the customer's timeline."""


@hookspec
def postline_cli_commands() -> list[Any]:
    """``postline`` sub-commands named after the plugin."""
