"""A well-behaved plugin: one permission and one menu entry."""
from __future__ import annotations

from app.api import NavItem, Permission, hookimpl


@hookimpl
def postline_permissions() -> list[Permission]:
    return [Permission("goodplug.use", "Use goodplug", roles=("agent",))]


@hookimpl
def postline_nav_items() -> list[NavItem]:
    return [NavItem("goodplug.home", "Goodplug", "main.index", "goodplug.use")]
