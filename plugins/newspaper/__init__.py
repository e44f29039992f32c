"""Newspapers and magazines (报刊), a business line built on ``app.api`` alone: the catalog
of titles by issuing code (邮发代号) with its Excel import, registered subscribers, orders
(订阅), address changes (改寄) and cancellations (退订) by an agent's forms and by the IVR,
renewal reminders by text message, two Excel reports, the customer timeline and the screen
pop. See docs/newspaper.md.

Only hooks live here: the rules are in :mod:`.orders` (months in :mod:`.calendar`, codes and
periods in :mod:`.codes`), the IVR in :mod:`.ivr`, pages in :mod:`.views`."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app import api

from . import agentforms, commands, demo, forms, history, ivr, models, reminders, report, views  # noqa: F401

REPORT = "newspaper.report"


@api.hookimpl
def postline_permissions() -> list[api.Permission]:
    return [
        api.Permission(views.ORDER, _l("Take newspaper orders"), roles=("agent", "backoffice", "teamlead")),
        api.Permission(views.CATALOG, _l("Maintain the newspaper catalog"), roles=("backoffice", "teamlead")),
        api.Permission(REPORT, _l("Download the newspaper reports"), roles=("teamlead", "manager")),
    ]


@api.hookimpl
def postline_nav_items() -> list[api.NavItem]:
    return [api.NavItem("newspaper.catalog", _l("Newspapers"), "newspaper.catalog", views.ORDER, "desk", 40)]


@api.hookimpl
def postline_blueprints() -> list[api.PluginBlueprint]:
    return [api.PluginBlueprint(views.PLUGIN, views.bp)]


@api.hookimpl
def postline_agent_forms() -> list[api.AgentForm]:
    return [
        api.AgentForm("newspaper.subscribe", _l("Newspaper order"), forms.SubscribeForm, agentforms.subscribe,
                      views.ORDER, weight=40),
        api.AgentForm("newspaper.change_address", _l("Newspaper address change"), forms.ChangeAddressForm,
                      agentforms.change_address, views.ORDER, weight=41),
        api.AgentForm("newspaper.cancel", _l("Newspaper cancellation"), forms.CancelForm, agentforms.cancel,
                      views.ORDER, weight=42),
        api.AgentForm("newspaper.register", _l("Register a newspaper subscriber"), forms.RegisterForm,
                      agentforms.register, views.ORDER, weight=43),
        api.AgentForm("newspaper.add_address", _l("Add a subscriber's delivery address"), forms.AddAddressForm,
                      agentforms.add_address, views.ORDER, weight=44),
    ]


@api.hookimpl
def postline_ticket_types() -> list[api.TicketType]:
    return [api.TicketType("newspaper_delivery", _l("Newspaper delivery"), categories=[
        ("报刊投递", "未收到报刊"), ("报刊投递", "投递延误"), ("报刊投递", "改寄未生效"), ("报刊订阅", "退订退款")],
        form_class=forms.DeliveryProblemFields, weight=70)]


@api.hookimpl
def postline_reports() -> list[api.Report]:
    return [
        api.Report("newspaper.orders", _l("Newspaper orders"), REPORT, report.build_orders,
                   form_class=report.RangeForm, description=_l("Orders, copies and amounts by title, district and period.")),
        api.Report("newspaper.cancellations", _l("Newspaper cancellations"), REPORT, report.build_cancellations,
                   form_class=report.RangeForm, description=_l("Cancellations with the months and amounts refunded.")),
    ]


@api.hookimpl
def postline_settings() -> list[api.Setting]:
    return [api.Setting("reminder_days", _l("Days before the end a renewal reminder is sent"), 15, kind="int",
                        minimum=1, maximum=90)]


@api.hookimpl
def postline_jobs() -> list[api.Job]:
    return [api.Job("renewal_reminders", reminders.send_reminders, "cron", {"hour": 9},
                    title="Newspaper renewal reminders")]


@api.hookimpl
def postline_ivr_nodes() -> list[api.IVRNode]:
    return [
        api.IVRNode(ivr.MENU_NODE, _l("Newspaper menu"), ivr.MenuNode, weight=60),
        api.IVRNode(ivr.SUBSCRIBE_NODE, _l("Newspaper order"), ivr.SubscribeNode, weight=61),
        api.IVRNode(ivr.CHANGE_NODE, _l("Newspaper address change"), ivr.ChangeAddressNode, weight=62),
        api.IVRNode(ivr.CANCEL_NODE, _l("Newspaper cancellation"), ivr.CancelNode, weight=63),
    ]


@api.hookimpl
def postline_prompts() -> list[api.Prompt]:
    return ivr.prompts()


@api.hookimpl
def postline_customer_timeline(customer: api.Customer) -> list[api.TimelineEntry]:
    return history.timeline(customer)


@api.hookimpl
def postline_screen_pop(call: object) -> list[api.ScreenPopPanel]:
    return history.screen_pop(call)


@api.hookimpl
def postline_cli_commands() -> list[api.CliCommand]:
    return [api.CliCommand("newspaper-import", commands.import_command)]


@api.hookimpl
def postline_demo_data() -> list[api.DemoData]:
    return [api.DemoData("newspaper.demo", demo.load, weight=60)]
