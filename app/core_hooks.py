"""The core's own declarations, made through the same hooks as any plugin's (registered
as the plugin ``core``), so menus and permissions have one source."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.declarations import IVRNode, NavItem, Permission
from app.hookspecs import hookimpl
from app.ivr import models as _ivr_models  # noqa: F401  (puts the IVR tables into the metadata)

STAFF = ("agent", "backoffice", "teamlead", "qa", "manager")


@hookimpl
def postline_permissions() -> list[Permission]:
    return [
        Permission("core.home", _l("Use PostLine"), roles=STAFF),
        Permission("customers.view", _l("View customers"), roles=STAFF),
        Permission("customers.edit", _l("Edit customers"), roles=("agent", "teamlead")),
        Permission("desk.forms", _l("Use agent forms"), roles=("agent", "teamlead")),
        Permission("reports.view", _l("Download reports"), roles=("teamlead", "manager")),
        Permission("admin.users", _l("Manage users"), roles=()),
        Permission("admin.plugins", _l("Manage plugins and their settings"), roles=()),
        Permission("admin.audit", _l("Read the audit log"), roles=()),
        Permission("ivr.flows", _l("Edit and simulate IVR call flows"), roles=("teamlead",)),
        Permission("ivr.voicemail", _l("Listen to and handle voice messages"), roles=("agent", "teamlead")),
    ]


@hookimpl
def postline_nav_items() -> list[NavItem]:
    return [
        NavItem("customers", _l("Customers"), "customers.index", "customers.view", "desk", 10),
        NavItem("desk.forms", _l("Service forms"), "agents.forms", "desk.forms", "desk", 20),
        NavItem("ivr.voicemail", _l("Voice messages"), "ivr.voicemail_list", "ivr.voicemail", "desk", 30),
        NavItem("reports", _l("Reports"), "reports.index", "reports.view", "reports", 10),
        NavItem("admin.users", _l("Users"), "admin.users", "admin.users", "admin", 10),
        NavItem("admin.plugins", _l("Plugins"), "admin.plugins", "admin.plugins", "admin", 20),
        NavItem("admin.audit", _l("Audit log"), "admin.audit", "admin.audit", "admin", 30),
        NavItem("ivr.flows", _l("Call flows"), "ivr.flow_list", "ivr.flows", "admin", 40),
        NavItem("ivr.simulator", _l("Flow simulator"), "ivr.simulator", "ivr.flows", "admin", 50),
    ]


@hookimpl
def postline_ivr_nodes() -> list[IVRNode]:
    """The core's nodes, ``core.<node>`` (:mod:`app.ivr.nodes`)."""
    from app.ivr.nodes import core_nodes

    return core_nodes()
