"""The statistics room's declarations: its tables, the roll-ups kept as queue_log
lines are stored, and the staffing forecast page with who may open it."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.cti.queue_log import QueueLogRow
from app.declarations import NavItem, Permission, PluginBlueprint
from app.hookspecs import hookimpl
from app.stats import models, rollup, views  # noqa: F401 (models: the room's tables)


@hookimpl
def postline_queue_log_added(rows: list[QueueLogRow]) -> None:
    rollup.apply(rows)


@hookimpl
def postline_permissions() -> list[Permission]:
    return [Permission(views.VIEW, _l("View call statistics and the staffing forecast"),
                       roles=("teamlead", "manager"))]


@hookimpl
def postline_nav_items() -> list[NavItem]:
    return [NavItem("stats.forecast", _l("Staffing forecast"), "stats.forecast_page", views.VIEW,
                    "reports", 20)]


@hookimpl
def postline_blueprints() -> list[PluginBlueprint]:
    return [PluginBlueprint("stats", views.bp)]
