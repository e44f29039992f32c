"""The work orders room's declarations: who may see, register and work on orders and their
call-back tasks, its pages and menu entries, each customer's orders on the customer's
timeline, and the IVR survey scores it listens for."""
from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.auth.roles import STAFF
from app.declarations import NavItem, Permission, PluginBlueprint, TimelineEntry
from app.extensions import db
from app.hookspecs import hookimpl
from app.tickets import callback_models, feedback_views, views  # noqa: F401 (models, routes)
from app.tickets.callbacks import MANAGE, WORK
from app.tickets.models import WorkOrder
from app.tickets.surveys import survey_arrived


@hookimpl
def postline_permissions() -> list[Permission]:
    return [
        Permission("tickets.view", _l("View work orders"), roles=STAFF),
        Permission("tickets.create", _l("Register work orders"), roles=("agent", "teamlead", "manager")),
        Permission("tickets.queue", _l("Work on a department's work orders"),
                   roles=("backoffice", "teamlead", "manager")),
        Permission(WORK, _l("Work on call-back tasks"), roles=("agent", "teamlead", "manager")),
        Permission(MANAGE, _l("Hand out and withdraw call-back tasks"), roles=("teamlead", "manager")),
    ]


@hookimpl
def postline_nav_items() -> list[NavItem]:
    return [
        NavItem("tickets.mine", _l("My work orders"), "tickets.mine", "tickets.create", "desk", 20),
        NavItem("tickets.callbacks", _l("Call-back tasks"), "tickets.callback_list", WORK, "desk", 25),
        NavItem("tickets.queue", _l("Department queue"), "tickets.queue", "tickets.queue", "backoffice", 10),
    ]


@hookimpl
def postline_blueprints() -> list[PluginBlueprint]:
    return [PluginBlueprint("tickets", views.bp)]


@hookimpl
def postline_customer_timeline(customer: Any) -> list[TimelineEntry]:
    orders = db.session.scalars(select(WorkOrder).where(WorkOrder.customer_id == customer.id)
                                .order_by(WorkOrder.id.desc()).limit(100))
    return [TimelineEntry(f"tickets.{o.number}", o.created_at, f"{_l('Work order')} {o.number}",
                          detail=o.subject, url=url_for("tickets.detail", number=o.number))
            for o in orders]


@hookimpl
def postline_call_surveyed(call: Any) -> None:
    survey_arrived(call)
