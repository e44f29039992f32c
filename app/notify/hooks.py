"""The notify room's declarations: the shipped notifiers (the SMS outbox, e-mail through
SMTP), the worker's retry job, and the message log page with who may read it."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.declarations import Job, NavItem, Notifier, Permission, PluginBlueprint
from app.hookspecs import hookimpl
from app.notify import views
from app.notify.outbox import send_to_outbox
from app.notify.sending import retry_due_job
from app.notify.smtp import send_email

#: How often the worker looks for messages to try again.
RETRY_MINUTES = 1


@hookimpl
def postline_permissions() -> list[Permission]:
    return [
        Permission("notify.view", _l("Read the message log"), roles=("teamlead",)),
        # Administrators (who hold every permission) trace a delivery with the gateway.
        Permission("notify.recipients", _l("See the full numbers and addresses in the message log")),
    ]


@hookimpl
def postline_nav_items() -> list[NavItem]:
    return [NavItem("notify.messages", _l("Messages sent"), "notify.messages", "notify.view", "admin", 40)]


@hookimpl
def postline_blueprints() -> list[PluginBlueprint]:
    return [PluginBlueprint("notify", views.bp)]


@hookimpl
def postline_notifiers() -> list[Notifier]:
    return [
        Notifier("core.sms_outbox", "sms", send_to_outbox, title=_l("SMS outbox folder for a gateway")),
        Notifier("core.smtp", "email", send_email, title=_l("E-mail through the SMTP server")),
    ]


@hookimpl
def postline_jobs() -> list[Job]:
    return [Job("notify_retry", retry_due_job, "interval", {"minutes": RETRY_MINUTES},
                title=_l("Send again the messages that failed"))]
