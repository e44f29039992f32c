"""The six staff roles. Permissions, not roles, are checked in views: a role is only the
default bundle of permissions a person gets."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

ROLES = {
    "agent": _l("Agent"),
    "backoffice": _l("Back office"),
    "teamlead": _l("Team leader"),
    "qa": _l("Quality inspector"),
    "manager": _l("Manager"),
    "admin": _l("Administrator"),
}

#: Every role but the administrator's (who holds every permission anyway).
STAFF = tuple(role for role in ROLES if role != "admin")
