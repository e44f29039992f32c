"""The work orders room's declarations: who may see, register and work on orders, their
deadlines, categories and call-back tasks, its pages and menu entries, the worker's
escalation job, each customer's orders on the customer's timeline, the voice messages that
become orders (told by the IVR, swept up by the worker, linked back on the voice messages
page), the IVR survey scores it listens for, and its demonstration orders."""
from __future__ import annotations

from typing import Any

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.auth.roles import STAFF
from app.declarations import DemoData, Job, NavItem, Permission, PluginBlueprint, TimelineEntry
from app.extensions import db
from app.hookspecs import hookimpl
from app.tickets import (  # noqa: F401 (models, and views that add their pages to views.bp)
    attachment_views,
    callback_models,
    category_views,
    deadline_views,
    demo,
    feedback_views,
    views,
    voicemail,
    voicemail_views,
)
from app.tickets.callbacks import MANAGE, WORK
from app.tickets.escalation import escalate_overdue_job
from app.tickets.models import WorkOrder
from app.tickets.surveys import survey_arrived


@hookimpl
def postline_permissions() -> list[Permission]:
    return [
        Permission("tickets.view", _l("View work orders"), roles=STAFF),
        Permission("tickets.create", _l("Register work orders"), roles=("agent", "teamlead", "manager")),
        Permission("tickets.queue", _l("Work on a department's work orders"),
                   roles=("backoffice", "teamlead", "manager")),
        Permission("tickets.deadlines", _l("Set the work orders' deadlines and working hours"),
                   roles=("manager",)),
        Permission(WORK, _l("Work on call-back tasks"), roles=("agent", "teamlead", "manager")),
        Permission(MANAGE, _l("Hand out and withdraw call-back tasks"), roles=("teamlead", "manager")),
        Permission(category_views.ADMIN, _l("Manage the work order categories"), roles=("manager",)),
    ]


@hookimpl
def postline_nav_items() -> list[NavItem]:
    return [
        NavItem("tickets.mine", _l("My work orders"), "tickets.mine", "tickets.create", "desk", 20),
        NavItem("tickets.callbacks", _l("Call-back tasks"), "tickets.callback_list", WORK, "desk", 25),
        NavItem("tickets.queue", _l("Department queue"), "tickets.queue", "tickets.queue", "backoffice", 10),
        NavItem("tickets.deadlines", _l("Work order deadlines"), "tickets.deadlines", "tickets.deadlines",
                "admin", 45),
        NavItem("tickets.voicemail_routes", _l("Voice messages → work orders"), "tickets.voicemail_routes",
                "ivr.flows", "admin", 37),
        NavItem("tickets.categories", _l("Work order categories"), "ticket_categories.index",
                category_views.ADMIN, "admin", 45),
    ]


@hookimpl
def postline_blueprints() -> list[PluginBlueprint]:
    return [PluginBlueprint("tickets", views.bp), PluginBlueprint("ticket_categories", category_views.bp)]


@hookimpl
def postline_jobs() -> list[Job]:
    minutes = int(current_app.config["TICKET_ESCALATION_MINUTES"])
    return [Job("ticket_escalation", escalate_overdue_job, "interval", {"minutes": max(1, minutes)},
                title=_l("Escalate overdue work orders")),
            Job("voicemail_orders", voicemail.convert_waiting, "interval",
                {"minutes": voicemail.SWEEP_MINUTES},
                title=_l("Make work orders of voice messages that have none"))]


@hookimpl
def postline_customer_timeline(customer: Any) -> list[TimelineEntry]:
    orders = db.session.scalars(select(WorkOrder).where(WorkOrder.customer_id == customer.id)
                                .order_by(WorkOrder.id.desc()).limit(100))
    return [TimelineEntry(f"tickets.{o.number}", o.created_at, f"{_l('Work order')} {o.number}",
                          detail=o.subject, url=url_for("tickets.detail", number=o.number))
            for o in orders]


@hookimpl
def postline_voicemail_left(message: Any) -> None:
    voicemail.handle(message)


@hookimpl
def postline_voicemail_links(message: Any) -> list[TimelineEntry]:
    order = db.session.scalar(select(WorkOrder).where(WorkOrder.voicemail_id == message.id))
    if order is None:
        return []
    return [TimelineEntry(f"tickets.{order.number}", order.created_at, f"{_l('Work order')} {order.number}",
                          url=url_for("tickets.detail", number=order.number))]


@hookimpl
def postline_call_surveyed(call: Any) -> None:
    survey_arrived(call)


@hookimpl
def postline_demo_data() -> list[DemoData]:
    return [DemoData("tickets.demo", demo.load, weight=60)]
