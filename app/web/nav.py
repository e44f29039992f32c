"""The main navigation: what the rooms and plugins declare, by section, as far as the
current user may open it. The home page is built from the same items, so a role sees on it
exactly the work it may do, its own section first."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import g
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.auth.permissions import permitted
from app.auth.roles import ROLES
from app.declarations import NavItem
from app.timeutil import local

NAV_SECTIONS = {
    "desk": _l("Customer service"),
    "backoffice": _l("Back-office work"),
    "quality": _l("Quality inspection"),
    "reports": _l("Reports and monitoring"),
    "admin": _l("Administration"),
}

#: The sections a role works in, most important first: its home page opens with them.
ROLE_FOCUS = {
    "agent": ("desk",),
    "backoffice": ("backoffice", "desk"),
    "teamlead": ("reports", "desk", "admin"),
    "qa": ("quality", "reports", "desk"),
    "manager": ("reports",),
    "admin": ("admin",),
}


@dataclass
class HomeSection:
    name: str
    title: str
    items: list[NavItem]


def nav_sections() -> dict[str, list[NavItem]]:
    """The current user's navigation, by section, in the sections' order."""
    sections: dict[str, list[NavItem]] = {name: [] for name in NAV_SECTIONS}
    for item in permitted("postline_nav_items"):
        sections.setdefault(item.section, []).append(item)
    return {name: items for name, items in sections.items() if items}


def home_sections(sections: dict[str, list[NavItem]], roles: set[str]) -> list[HomeSection]:
    """The navigation's sections reordered for these roles: the sections the roles work in
    first (in the order of :data:`ROLE_FOCUS`), then the rest in the navigation's order."""
    first: list[str] = []
    for role in ROLES:
        if role in roles:
            first.extend(name for name in ROLE_FOCUS.get(role, ()) if name not in first)
    order = [name for name in first if name in sections] + [name for name in sections if name not in first]
    return [HomeSection(name, str(NAV_SECTIONS.get(name, name)), sections[name]) for name in order]


def role_names(roles: set[str] | list[str]) -> list[str]:
    """Role codes as the reader's language names them (an unknown code as it is)."""
    known = [str(title) for code, title in ROLES.items() if code in roles]
    return known + sorted(code for code in roles if code not in ROLES)


def template_globals() -> dict[str, Any]:
    def nav() -> dict[str, list[NavItem]]:
        if "nav" not in g:
            g.nav = nav_sections()
        return g.nav

    def home() -> list[HomeSection]:
        return home_sections(nav(), set(current_user.roles))

    return {
        "nav": nav,
        "home_sections": home,
        "role_names": role_names,
        "local": local,
        "nav_sections": NAV_SECTIONS,
        "get_locale": get_locale,
    }
