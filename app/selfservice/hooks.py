"""The self-service room's declarations: its pages, and the staff's report of their use
(``web-self-service``, on the reports page under the reports' own permission). It declares
no permission and no menu entry, and nothing of the staff site links to its pages."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.declarations import PluginBlueprint, Report
from app.hookspecs import hookimpl
from app.reports.forms import PeriodOnlyForm
from app.selfservice import usage, views


@hookimpl
def postline_blueprints() -> list[PluginBlueprint]:
    return [PluginBlueprint("selfservice", views.bp)]


@hookimpl
def postline_reports() -> list[Report]:
    return [Report("web-self-service", _l("Web self-service use"), "reports.view", usage.build_web_usage,
                   form_class=PeriodOnlyForm, weight=14,
                   description=_l("Per period: order lookups on the public pages, found or not, and the work "
                                  "orders citizens submitted on the web, by type."))]
