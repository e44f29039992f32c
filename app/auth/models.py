"""Staff accounts, their roles, the departments they belong to, and login attempts.

Departments live here, beside the users who belong to them: work orders are routed to
them too, but the organisation of a centre is older than any work order."""
from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from app.audit.editing import Edited
from app.audit.models import Audited
from app.auth.passwords import hash_password, password_matches
from app.extensions import db
from app.timeutil import utcnow


class User(Edited, Audited, UserMixin, db.Model):
    __tablename__ = "user_account"
    __audit_exclude__ = ("password_hash",)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100), default="")
    password_hash: Mapped[str] = mapped_column(String(256))
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(String(10))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    #: Where the user is told of work (an overdue order escalated to them): a mobile number
    #: for SMS and an e-mail address, both optional.
    phone: Mapped[str] = mapped_column(String(32), default="", server_default="")
    email: Mapped[str] = mapped_column(String(254), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Part of every session's user id (:meth:`get_id`): raising it ends all the user's
    #: sessions, on every browser, remember-me cookie included.
    session_version: Mapped[int] = mapped_column(default=1, server_default="1")

    role_rows: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def get_id(self) -> str:
        """What Flask-Login keeps in the session and the remember-me cookie: a session
        made before the version was raised names an old version and is refused."""
        return f"{self.id}:{self.session_version}"

    def end_sessions(self) -> None:
        """Log the user out everywhere (password changed, account disabled)."""
        self.session_version = (self.session_version or 1) + 1

    @validates("active")
    def _end_sessions_when_disabled(self, _key: str, active: bool) -> bool:
        if self.active and not active:
            self.end_sessions()
        return active

    @property
    def roles(self) -> set[str]:
        return {row.role for row in self.role_rows}

    def set_roles(self, roles: set[str] | list[str]) -> None:
        wanted = set(roles)
        self.role_rows = [r for r in self.role_rows if r.role in wanted] + [
            UserRole(role=name) for name in sorted(wanted - self.roles)
        ]

    def set_password(self, password: str) -> None:
        """A new password ends the sessions opened with the old one."""
        if self.password_hash:
            self.end_sessions()
        self.password_hash = hash_password(password)

    def check_password(self, password: str) -> bool:
        return password_matches(self.password_hash, password)


class UserRole(Audited, db.Model):
    __tablename__ = "user_role"
    __table_args__ = (UniqueConstraint("user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    role: Mapped[str] = mapped_column(String(32))
    user: Mapped[User] = relationship(back_populates="role_rows")


class LoginAttempt(db.Model):
    """Every login try, kept for lockout and for the security officer."""

    __tablename__ = "login_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    success: Mapped[bool]
    ip: Mapped[str] = mapped_column(String(64), default="")


class Department(Audited, db.Model):
    """A department of the centre (客户服务中心, 速递物流部...): users belong to one, and work
    orders are routed to one."""

    __tablename__ = "department"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(default=True)
