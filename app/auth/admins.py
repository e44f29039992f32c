"""The site always keeps an active administrator: without one, nobody could give out roles
or enable accounts again except from the command line.

Two administrators who take each other's role at the same moment would each see the other
still there; so a change that may remove an administrator first takes a lock that only such
changes take, held until its transaction ends, and counts after it."""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select, text, update

from app.auth.models import User, UserRole
from app.extensions import db

#: The PostgreSQL advisory lock of changes that may remove an administrator.
ADMIN_CHANGES_LOCK = 0x504C_4144  # "PLAD"


def would_leave_no_admin(user: User, roles: Iterable[str], active: bool) -> bool:
    """Whether giving ``user`` these roles and this state takes away the last active
    administrator."""
    stays_admin = active and "admin" in set(roles)
    was_admin = user.id is not None and user.active and "admin" in user.roles
    if not was_admin or stays_admin:
        return False
    _serialise_admin_changes()
    return _other_active_admins(user) == 0


def _serialise_admin_changes() -> None:
    """PostgreSQL: a transaction-scoped advisory lock. SQLite: the database's one write lock,
    taken by an update that changes nothing (reads after it see every committed change)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADMIN_CHANGES_LOCK})
    else:
        db.session.execute(update(User).where(User.id.is_(None)).values(active=User.active)
                           .execution_options(synchronize_session=False))


def _other_active_admins(user: User) -> int:
    return db.session.scalar(
        select(func.count(func.distinct(User.id)))
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == "admin", User.active.is_(True), User.id != user.id)
    )
