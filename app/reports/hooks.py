"""The reports room's declarations: the reports page, who may open it, and the core's own
report (IVR calls by outcome)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.declarations import NavItem, Permission, PluginBlueprint, Report
from app.hookspecs import hookimpl
from app.reports import calls, views


@hookimpl
def postline_permissions() -> list[Permission]:
    return [Permission("reports.view", _l("Download reports"), roles=("teamlead", "manager"))]


@hookimpl
def postline_nav_items() -> list[NavItem]:
    return [NavItem("reports", _l("Reports"), "reports.index", "reports.view", "reports", 10)]


@hookimpl
def postline_blueprints() -> list[PluginBlueprint]:
    return [PluginBlueprint("reports", views.bp)]


@hookimpl
def postline_reports() -> list[Report]:
    return [Report("calls.outcomes", _l("IVR calls by outcome"), "reports.view", calls.build,
                   form_class=calls.CallReportForm,
                   description=_l("Calls per day and line by how they left the IVR, lost calls included."))]
