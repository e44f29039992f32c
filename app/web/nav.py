"""The main navigation: what the rooms and plugins declare, by section, as far as the
current user may open it."""
from __future__ import annotations

from typing import Any

from flask import g
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from app.auth.permissions import permitted
from app.declarations import NavItem
from app.timeutil import local

NAV_SECTIONS = {
    "desk": _l("Agent desk"),
    "backoffice": _l("Back-office work"),
    "reports": _l("Reports"),
    "admin": _l("Administration"),
}


def nav_sections() -> dict[str, list[NavItem]]:
    """The current user's navigation, by section, in the sections' order."""
    sections: dict[str, list[NavItem]] = {name: [] for name in NAV_SECTIONS}
    for item in permitted("postline_nav_items"):
        sections.setdefault(item.section, []).append(item)
    return {name: items for name, items in sections.items() if items}


def template_globals() -> dict[str, Any]:
    def nav() -> dict[str, list[NavItem]]:
        if "nav" not in g:
            g.nav = nav_sections()
        return g.nav

    return {
        "nav": nav,
        "local": local,
        "nav_sections": NAV_SECTIONS,
        "get_locale": get_locale,
    }
