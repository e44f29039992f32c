"""The reports room's declarations: the reports page, who may open it, the core's own
reports and ``postline reports``; the report inbox, its subscriptions and the worker's jobs
that build queued runs, sweep old files and keep the subscriptions scheduled."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.declarations import CliCommand, Job, NavItem, Permission, PluginBlueprint, Report
from app.hookspecs import hookimpl
from app.reports import (
    agents,
    attendance,
    business,
    call_summary,
    calls,
    housingfund,
    inbox_views,
    ivr_usage,
    quality,
    runs,
    satisfaction,
    subscriptions,
    traffic,
    workorders,
)
from app.reports import views as report_views
from app.reports.commands import reports_group
from app.reports.forms import PeriodOnlyForm, QueueRangeForm, RangeForm
from app.reports.periods import PeriodReportForm


@hookimpl
def postline_permissions() -> list[Permission]:
    return [Permission("reports.view", _l("Download reports"), roles=("teamlead", "manager")),
            Permission(inbox_views.SUBSCRIBE, _l("Subscribe to reports delivered by schedule"), roles=("manager",))]


@hookimpl
def postline_nav_items() -> list[NavItem]:
    return [NavItem("reports", _l("Reports"), "reports.index", "reports.view", "reports", 10),
            NavItem("reports.inbox", _l("My report inbox"), "report_inbox.inbox", "reports.view", "reports", 11)]


@hookimpl
def postline_blueprints() -> list[PluginBlueprint]:
    return [PluginBlueprint("reports", report_views.bp), PluginBlueprint("report_inbox", inbox_views.bp)]


@hookimpl
def postline_reports() -> list[Report]:
    return [Report("calls.outcomes", _l("IVR calls by outcome"), "reports.view", calls.build,
                   form_class=calls.CallReportForm,
                   description=_l("Calls per day and line by how they left the IVR, lost calls included.")),
            Report("call-summary", _l("Queue call summary"), "reports.view", call_summary.build,
                   form_class=PeriodReportForm, weight=1,
                   description=_l("Per queue and period: received, answered, abandoned, answer and abandon "
                                  "rates, service level, average wait, talk and after-call work.")),
            Report("traffic", _l("Traffic by hour"), "reports.view", traffic.build_traffic,
                   form_class=PeriodReportForm, weight=2,
                   description=_l("Calls received, answered and abandoned for each hour of the day.")),
            Report("missed-calls", _l("Missed calls"), "reports.view", traffic.build_missed,
                   form_class=PeriodReportForm, weight=3,
                   description=_l("Every queued call no agent answered, with the caller's number: the list "
                                  "to call back.")),
            Report("business-types", _l("Business type statistics"), "reports.view",
                   business.build_business_types, form_class=PeriodReportForm, weight=4,
                   description=_l("Calls summarised and work orders registered by business type and "
                                  "category, consultations and service orders apart.")),
            Report("complaints-suggestions", _l("Complaints and suggestions"), "reports.view",
                   business.build_complaints, form_class=PeriodReportForm, weight=5,
                   description=_l("Complaints and suggestions by category: registered, closed, on time, "
                                  "satisfaction.")),
            Report("agent-workload", _l("Agent workload"), "reports.view", agents.build_workload,
                   form_class=PeriodReportForm, weight=6,
                   description=_l("Per agent: calls answered and missed, talk, after-call work, logged-in and "
                                  "paused time, occupancy, summaries and work orders.")),
            Report("agent-calls", _l("Agent call detail"), "reports.view", agents.build_call_detail,
                   form_class=PeriodReportForm, weight=7,
                   description=_l("Every answered call: time, queue, agent, caller, wait, talk and after-call "
                                  "work.")),
            Report("agent-attendance", _l("Agent attendance"), "reports.view", attendance.build_attendance,
                   form_class=RangeForm, weight=8,
                   description=_l("Per agent and day: first login, last logoff, logged-in and paused time, "
                                  "pauses by reason and how many.")),
            Report("service-quality", _l("Service quality"), "reports.view", quality.build_quality,
                   form_class=QueueRangeForm, weight=9,
                   description=_l("Quality scores per agent and scoring template: calls scored, average "
                                  "score, critical failures, appeals and how they were answered.")),
            Report("satisfaction", _l("Satisfaction"), "reports.view", satisfaction.build_satisfaction,
                   form_class=PeriodReportForm, weight=10,
                   description=_l("The IVR survey's answers per queue and agent and the levels given on work "
                                  "orders, per period: counts per answer and the satisfied share.")),
            Report("housingfund-12329", _l("12329 hotline figures"), "reports.view", housingfund.build_housingfund,
                   form_class=RangeForm, weight=11,
                   description=_l("The 12329 line's queues by day, week, month and year: total calls, average "
                                  "talk, answer and abandon rates, average wait and after-call work.")),
            Report("workorder-sla", _l("Work-order deadline statistics"), "reports.view", workorders.build_workorder_sla,
                   form_class=RangeForm, weight=12,
                   description=_l("Work orders by type, category and department: registered, closed, on time, "
                                  "overdue, on-time share, handling time, satisfaction.")),
            Report("ivr-usage", _l("IVR usage"), "reports.view", ivr_usage.build_ivr_usage,
                   form_class=PeriodOnlyForm, weight=13,
                   description=_l("Per line and period: calls and how they left the IVR, the self-served share, "
                                  "the steps callers reached and where they left."))]


#: How often the worker looks for queued report runs (seconds), and for new subscriptions (minutes).
RUNS_SECONDS = 5
SUBSCRIPTIONS_MINUTES = 1


@hookimpl
def postline_jobs() -> list[Job]:
    return [Job("report_runs", runs.run_queued_job, "interval", {"seconds": RUNS_SECONDS},
                title=_l("Build the reports queued for the inbox")),
            Job("report_inbox_sweep", runs.sweep_job, "cron", {"hour": 3, "minute": 40},
                title=_l("Delete the report files older than the inbox keeps them")),
            Job("report_subscriptions", subscriptions.sync_subscription_jobs, "interval",
                {"minutes": SUBSCRIPTIONS_MINUTES}, title=_l("Schedule the report subscriptions"))]


@hookimpl
def postline_cli_commands() -> list[CliCommand]:
    return [CliCommand("reports", reports_group, weight=40)]
