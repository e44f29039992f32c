"""Every view declares the permission it needs; a request to a view that declares none is
refused (deny by default), so a forgotten decorator fails closed, not open."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, abort, current_app, request
from flask_login import current_user

from app.declarations import Permission
from app.pluginhost import collect

F = TypeVar("F", bound=Callable[..., Any])

ATTR_PERMISSION = "_postline_permission"
ATTR_PUBLIC = "_postline_public"


def permission_required(name: str) -> Callable[[F], F]:
    """Mark a view as needing ``name``; :func:`enforce` does the checking."""

    def mark(view: F) -> F:
        setattr(view, ATTR_PERMISSION, name)
        return view

    return mark


def public(view: F) -> F:
    """Mark a view as reachable without logging in (login page, health check)."""
    setattr(view, ATTR_PUBLIC, True)
    return view


def permissions() -> dict[str, Permission]:
    return {p.name: p for p in collect("postline_permissions")}


def has_permission(user: Any, name: str) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    roles = user.roles
    if "admin" in roles:
        return True
    perm = permissions().get(name)
    return perm is not None and bool(roles.intersection(perm.roles))


def permitted(hook_name: str) -> list[Any]:
    """The declarations of ``hook_name`` whose ``permission`` the current user holds."""
    return [item for item in collect(hook_name) if has_permission(current_user, item.permission)]


def permitted_one(hook_name: str, name: str) -> Any:
    """The declaration called ``name``, or 404: unknown and forbidden look alike, so a
    user cannot probe for what others may open."""
    found = next((item for item in permitted(hook_name) if item.name == name), None)
    if found is None:
        abort(404)
    return found


def view_requirement(app: Flask, endpoint: str) -> str | None:
    """``"public"``, a permission name, or ``None`` when the view declares nothing."""
    if endpoint == "static" or endpoint.endswith(".static"):
        return "public"
    view = app.view_functions.get(endpoint)
    if getattr(view, ATTR_PUBLIC, False):
        return "public"
    return getattr(view, ATTR_PERMISSION, None)


def enforce() -> Any:
    if request.endpoint is None:  # 404 and 405 are answered by Flask
        return None
    need = view_requirement(current_app, request.endpoint)
    if need == "public":
        return None
    if need is None:
        abort(403)
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    if not has_permission(current_user, need):
        abort(403)
    return None


def check_views(app: Flask) -> None:
    """Fail start-up when a view declares no permission, or one nobody declared (a typo
    would lock everybody but admins out, silently)."""
    with app.app_context():
        known = permissions()
        for endpoint in app.view_functions:
            need = view_requirement(app, endpoint)
            if need is None:
                raise RuntimeError(f"view {endpoint!r} declares no permission (use "
                                   "permission_required or public)")
            if need != "public" and need not in known:
                raise RuntimeError(f"view {endpoint!r} requires undeclared permission {need!r}")
