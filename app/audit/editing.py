"""Records that people edit in a form, two of them perhaps at once (a line, a user): each
carries a ``row_version`` and who saved it last. A save claims the version its form was
opened with, in one conditional ``UPDATE``; when someone saved in between, the claim fails
and the form says who and when, instead of silently overwriting their work.

The ``UPDATE`` also serialises two saves at the same moment: on PostgreSQL the second waits
for the first's row lock and then finds the version moved on; SQLite has one writer at a
time anyway. It is a bulk statement, outside the audit trail: the trail records what was
changed, not the bookkeeping."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import String, update
from sqlalchemy.orm import Mapped, attributes, mapped_column

from app.extensions import db
from app.timeutil import local, utcnow


class Edited:
    """Mixin: the optimistic-editing columns (added to a table by a migration)."""

    row_version: Mapped[int] = mapped_column(default=1, server_default="1")
    updated_by: Mapped[str] = mapped_column(String(100), default="", server_default="")
    updated_at: Mapped[datetime | None] = mapped_column()


def seen_version(text: Any, record: Edited) -> int:
    """The version a form was opened with: its hidden field; a form without one (a script,
    not a browser) claims the version just read; anything else cannot match."""
    text = str(text or "").strip()
    if not text:
        return record.row_version
    return int(text) if text.isdigit() and len(text) < 10 else -1


def claim(record: Edited, seen: int, who: str) -> bool:
    """Take the record for this save if it is still at version ``seen``; ``False`` when
    someone saved it since (nothing is changed then)."""
    model = type(record)
    now = utcnow()
    result = db.session.execute(
        update(model).where(model.id == record.id, model.row_version == seen)  # type: ignore[attr-defined]
        .values(row_version=seen + 1, updated_by=who, updated_at=now)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        return False
    for key, value in (("row_version", seen + 1), ("updated_by", who), ("updated_at", now)):
        attributes.set_committed_value(record, key, value)
    return True


def changed_since(record: Edited) -> str:
    """"Not saved: X changed this at T since you opened it", read afresh from the database."""
    db.session.rollback()
    db.session.refresh(record)
    when = local(record.updated_at).strftime("%Y-%m-%d %H:%M") if record.updated_at else "?"
    return _("Not saved: %(who)s changed this at %(when)s since you opened it. Open it again to see "
             "their changes, then make yours.", who=record.updated_by or "?", when=when)
