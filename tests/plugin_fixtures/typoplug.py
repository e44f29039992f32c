"""A plugin with a misspelt hook name: pluggy would silently never call it."""
from __future__ import annotations

from app.api import NavItem, Permission, hookimpl


@hookimpl
def postline_permissions() -> list[Permission]:
    return [Permission("typoplug.use", "Use typoplug", roles=("agent",))]


@hookimpl
def postline_nav_itemz() -> list[NavItem]:  # sic: postline_nav_items
    return [NavItem("typoplug.home", "Typoplug", "main.index", "typoplug.use")]
