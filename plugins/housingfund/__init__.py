"""The 12329 housing provident fund line: the caller identifies by fund account, ID-card
number or co-branded card number and a six-digit password (companies by company account),
hears their balance, loan and company figures, books a branch visit, and listens to the
policy guide and the branch directory; agents see whom the IVR identified (masked) and
book for them; members get SMS reminders of repayments and rate changes.

Only hooks live here. The fund centre is reached through the adapter in :mod:`.centre`;
the IVR nodes are in :mod:`.ivr` with their prompts in :mod:`.prompts`; the guide's texts
in :mod:`.guide`; the agent pages in :mod:`.views`; the screen pop and timeline in
:mod:`.desk`; reminders in :mod:`.reminders`; demo data in :mod:`.demo`. The line's
statistics are the core's ``housingfund-12329`` report (see docs/housingfund.md)."""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from app import api

from . import demo, desk, desk_form, ivr, knowledge, models, prompts, reminders, report, views  # noqa: F401  (models: the tables)
from .centre import ADAPTERS


@api.hookimpl
def postline_permissions() -> list[api.Permission]:
    return [
        api.Permission(views.LOOKUP, _l("See the 12329 caller the IVR identified"),
                       roles=("agent", "backoffice", "teamlead")),
        api.Permission(views.BOOK, _l("Book 12329 branch visits for a caller"), roles=("agent", "teamlead")),
        api.Permission(REPORT, _l("Download the 12329 self-service report"), roles=("teamlead", "manager")),
        api.Permission(views.ALL_CALLS, _l("See the 12329 callers of every agent's calls"),
                       roles=("backoffice", "teamlead")),
    ]


REPORT = "housingfund.report"


@api.hookimpl
def postline_reports() -> list[api.Report]:
    """The line's own figures; its call statistics (seed 004 §3.3) are the core's
    ``housingfund-12329`` report, which this plugin does not duplicate."""
    return [api.Report("housingfund.bookings", _l("12329 self-service: identifications and bookings"), REPORT,
                       report.build, form_class=report.BookingReportForm, weight=60,
                       description=_l("Per day: callers the IVR identified, by how, and branch visits booked, "
                                      "by kind, branch and channel."))]


@api.hookimpl
def postline_nav_items() -> list[api.NavItem]:
    return [api.NavItem("housingfund.index", _l("12329 callers"), "housingfund.index", views.LOOKUP, "desk", 40)]


@api.hookimpl
def postline_agent_forms() -> list[api.AgentForm]:
    return [api.AgentForm("housingfund.booking", _l("12329 branch booking"), desk_form.DeskBookingForm,
                          desk_form.handle, views.BOOK, weight=60)]


@api.hookimpl
def postline_blueprints() -> list[api.PluginBlueprint]:
    return [api.PluginBlueprint(views.PLUGIN, views.bp)]


@api.hookimpl
def postline_settings() -> list[api.Setting]:
    return [
        api.Setting("adapter", _l("Fund centre system"), "local", kind="choice",
                    choices=[(name, _l("This database (local)")) for name in ADAPTERS],
                    description=_l("Where balances, loans and bookings are read and written.")),
        api.Setting("reminder_days", _l("Days before a repayment is due to remind the member"), 3, kind="int",
                    minimum=1, maximum=30),
    ]


@api.hookimpl
def postline_ivr_nodes() -> list[api.IVRNode]:
    return ivr.nodes()


@api.hookimpl
def postline_prompts() -> list[api.Prompt]:
    return prompts.prompts()


@api.hookimpl
def postline_knowledge_articles() -> list[api.Article]:
    return knowledge.articles()


@api.hookimpl
def postline_jobs() -> list[api.Job]:
    return [api.Job("reminders", reminders.reminder_job, "cron", {"hour": 9, "minute": 0},
                    title="12329 repayment and rate-change reminders")]


@api.hookimpl
def postline_demo_data() -> list[api.DemoData]:
    return [api.DemoData("housingfund.accounts", demo.load, weight=60)]


@api.hookimpl
def postline_ticket_types() -> list[api.TicketType]:
    return [api.TicketType("housingfund", _l("Housing fund service"), weight=70, categories=[
        ("公积金缴存", "缴存查询"), ("公积金提取", "提取咨询"), ("公积金贷款", "贷款进度"),
        ("公积金贷款", "还款"), ("业务预约", "网点预约"), ("公积金投诉", "服务投诉")])]


@api.hookimpl
def postline_screen_pop(call: Any) -> list[api.ScreenPopPanel]:
    return desk.screen_pop(call)


@api.hookimpl
def postline_customer_timeline(customer: Any) -> list[api.TimelineEntry]:
    return desk.timeline(customer)
