"""Writes an audit row for every change to an :class:`Audited` model, inside the same
transaction as the change, so the trail and the data cannot disagree."""
from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from app.audit.acting import current_actor
from app.audit.models import Audited, AuditLog
from app.extensions import db
from app.timeutil import utcnow


def _actor() -> tuple[int | None, str, str]:
    if has_request_context():
        ip = request.remote_addr or ""
        if current_user and current_user.is_authenticated:
            return current_user.id, current_user.username, ip
        return None, "anonymous", ip
    return None, current_actor() or "system", ""


def _plain(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def _snapshot(obj: Audited, which: str) -> dict[str, Any]:
    """Column values ``before`` or ``after`` the flush (unmasked: see :func:`_masked`)."""
    state = inspect(obj)
    values = {}
    for attr in state.mapper.column_attrs:
        hist = state.attrs[attr.key].history
        if which == "before":
            value = hist.deleted[0] if hist.deleted else (hist.unchanged[0] if hist.unchanged else None)
        else:
            value = hist.added[0] if hist.added else (hist.unchanged[0] if hist.unchanged else getattr(obj, attr.key))
        values[attr.key] = _plain(value)
    return values


def _masked(obj: Audited, values: dict[str, Any]) -> dict[str, Any]:
    """Secrets become a marker: the trail shows that a password changed, never the hash."""
    return {k: "***" if k in obj.__audit_exclude__ else v for k, v in values.items()}


def _changed(obj: Audited) -> bool:
    state = inspect(obj)
    return any(state.attrs[a.key].history.has_changes() for a in state.mapper.column_attrs)


def _row(action: str, obj: Audited, before: dict | None, after: dict | None) -> dict[str, Any]:
    actor_id, actor, ip = _actor()
    identity = inspect(obj).mapper.primary_key_from_instance(obj)
    return {
        "at": utcnow(),
        "actor_id": actor_id,
        "actor": actor,
        "ip": ip,
        "action": action,
        "object_type": type(obj).__tablename__,
        "object_id": ",".join(str(v) for v in identity if v is not None),
        "before": json.dumps(before, ensure_ascii=False, sort_keys=True) if before else None,
        "after": json.dumps(after, ensure_ascii=False, sort_keys=True) if after else None,
    }


def _after_flush(session: Session, _context: Any) -> None:
    rows = []
    for obj in session.new:
        if isinstance(obj, Audited):
            rows.append(_row("create", obj, None, _masked(obj, _snapshot(obj, "after"))))
    for obj in session.dirty:
        if isinstance(obj, Audited) and _changed(obj):
            before, after = _snapshot(obj, "before"), _snapshot(obj, "after")
            changed = {k for k in after if before.get(k) != after[k]}
            rows.append(_row("update", obj, _masked(obj, {k: before[k] for k in changed}),
                             _masked(obj, {k: after[k] for k in changed})))
    for obj in session.deleted:
        if isinstance(obj, Audited):
            rows.append(_row("delete", obj, _masked(obj, _snapshot(obj, "before")), None))
    if rows:
        session.connection().execute(AuditLog.__table__.insert(), rows)


def record(action: str, object_type: str, object_id: str = "", detail: dict | None = None) -> None:
    """Log an event that is not a row change (login, logout, download, plugin install)."""
    actor_id, actor, ip = _actor()
    db.session.add(
        AuditLog(
            actor_id=actor_id, actor=actor, ip=ip, action=action, object_type=object_type,
            object_id=object_id,
            after=json.dumps(detail, ensure_ascii=False, sort_keys=True) if detail else None,
        )
    )


def install() -> None:
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
