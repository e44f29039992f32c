"""The work orders room's declarations: who may see, register and work on orders and who
looks after their categories, its pages and menu entries, each customer's orders on the
customer's timeline, and its demonstration orders."""
from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.auth.roles import STAFF
from app.declarations import DemoData, NavItem, Permission, PluginBlueprint, TimelineEntry
from app.extensions import db
from app.hookspecs import hookimpl
from app.tickets import category_views, demo, views
from app.tickets.models import WorkOrder


@hookimpl
def postline_permissions() -> list[Permission]:
    return [
        Permission("tickets.view", _l("View work orders"), roles=STAFF),
        Permission("tickets.create", _l("Register work orders"), roles=("agent", "teamlead", "manager")),
        Permission("tickets.queue", _l("Work on a department's work orders"),
                   roles=("backoffice", "teamlead", "manager")),
        Permission(category_views.ADMIN, _l("Manage the work order categories"), roles=("manager",)),
    ]


@hookimpl
def postline_nav_items() -> list[NavItem]:
    return [
        NavItem("tickets.mine", _l("My work orders"), "tickets.mine", "tickets.create", "desk", 20),
        NavItem("tickets.queue", _l("Department queue"), "tickets.queue", "tickets.queue", "backoffice", 10),
        NavItem("tickets.categories", _l("Work order categories"), "ticket_categories.index",
                category_views.ADMIN, "admin", 45),
    ]


@hookimpl
def postline_blueprints() -> list[PluginBlueprint]:
    return [PluginBlueprint("tickets", views.bp), PluginBlueprint("ticket_categories", category_views.bp)]


@hookimpl
def postline_customer_timeline(customer: Any) -> list[TimelineEntry]:
    orders = db.session.scalars(select(WorkOrder).where(WorkOrder.customer_id == customer.id)
                                .order_by(WorkOrder.id.desc()).limit(100))
    return [TimelineEntry(f"tickets.{o.number}", o.created_at, f"{_l('Work order')} {o.number}",
                          detail=o.subject, url=url_for("tickets.detail", number=o.number))
            for o in orders]


@hookimpl
def postline_demo_data() -> list[DemoData]:
    return [DemoData("tickets.demo", demo.load, weight=60)]
