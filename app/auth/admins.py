"""The site always keeps an active administrator: without one, nobody could give out roles
or enable accounts again except from the command line."""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select

from app.auth.models import User, UserRole
from app.extensions import db


def would_leave_no_admin(user: User, roles: Iterable[str], active: bool) -> bool:
    """Whether giving ``user`` these roles and this state takes away the last active
    administrator."""
    stays_admin = active and "admin" in set(roles)
    was_admin = user.id is not None and user.active and "admin" in user.roles
    return was_admin and not stays_admin and _other_active_admins(user) == 0


def _other_active_admins(user: User) -> int:
    return db.session.scalar(
        select(func.count(func.distinct(User.id)))
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == "admin", User.active.is_(True), User.id != user.id)
    )
