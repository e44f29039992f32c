"""The statistics room's declarations: its tables, the roll-ups kept as queue_log
lines are stored, the staffing forecast (page and report), the manager dashboard, the
wallboard, and who may open them."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.cti.queue_log import QueueLogRow
from app.declarations import DemoData, NavItem, Permission, PluginBlueprint, Report
from app.hookspecs import hookimpl
from app.stats import dashboard_views, demo, models, rollup, views, wallboard_views  # noqa: F401 (models: tables; *_views: routes)
from app.stats.forecast_excel import build_forecast
from app.stats.forms import ForecastReportForm


@hookimpl
def postline_queue_log_added(rows: list[QueueLogRow]) -> None:
    rollup.apply(rows)


@hookimpl
def postline_demo_data() -> list[DemoData]:
    return [DemoData("stats.traffic", demo.load, weight=70)]


@hookimpl
def postline_permissions() -> list[Permission]:
    return [Permission(views.VIEW, _l("View call statistics and the staffing forecast"),
                       roles=("teamlead", "manager")),
            Permission(views.WALLBOARD, _l("Show the wallboard"), roles=("teamlead", "manager"))]


@hookimpl
def postline_nav_items() -> list[NavItem]:
    return [NavItem("stats.forecast", _l("Staffing forecast"), "stats.forecast_page", views.VIEW,
                    "reports", 20),
            NavItem("stats.dashboard", _l("Manager dashboard"), "stats.dashboard_page", views.VIEW,
                    "reports", 10),
            NavItem("stats.wallboard", _l("Wallboard"), "stats.wallboard_page", views.WALLBOARD,
                    "reports", 15)]


@hookimpl
def postline_reports() -> list[Report]:
    return [Report("forecast", _l("Staffing forecast"), views.VIEW, build_forecast,
                   form_class=ForecastReportForm,
                   description=_l("Agents to schedule per weekday and half-hour, by Erlang C from the "
                                  "last weeks' calls, for a service level and ASA target."), weight=90)]


@hookimpl
def postline_blueprints() -> list[PluginBlueprint]:
    return [PluginBlueprint("stats", views.bp)]
