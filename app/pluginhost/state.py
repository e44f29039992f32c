"""What the database knows about plugins: which are installed here, and their settings."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.audit.models import Audited
from app.extensions import db
from app.timeutil import utcnow


class PluginInstall(Audited, db.Model):
    __tablename__ = "plugin_install"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[str] = mapped_column(String(32))
    installed_at: Mapped[datetime] = mapped_column(default=utcnow)
    upgraded_at: Mapped[datetime] = mapped_column(default=utcnow)


class PluginSetting(Audited, db.Model):
    __tablename__ = "plugin_setting"
    __table_args__ = (UniqueConstraint("plugin", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plugin: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(64))
    value: Mapped[str] = mapped_column(Text)  # JSON
