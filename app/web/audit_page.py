"""The audit log as an administrator reads it: each row's change field by field (before →
after, secrets never shown), filtered by person, object, action and local date, a page at a
time. The trail itself stores JSON (:mod:`app.audit.listener`); this is only its reading."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, select

from app.audit.models import AuditLog
from app.auth.roles import ROLES
from app.extensions import clamped_page, db
from app.timeutil import local, parse_day, within_days
from app.web.labels import AUDIT_ACTIONS, AUDIT_FIELDS, AUDIT_OBJECTS, label

PAGE_SIZE = 50
#: Values longer than this are folded: the start is shown, the rest on demand.
LONG_VALUE = 240
#: What the listener writes instead of a secret, and the field names that are secret anyway.
MASK = "***"
SECRET_FIELD = re.compile(r"password|passwd|pin|secret|token|hash", re.IGNORECASE)
#: How the listener writes a stored (naive UTC) time.
ISO_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?")


@dataclass
class Change:
    field: str
    label: str
    before: str | None
    after: str | None
    hidden: bool = False


@dataclass
class Entry:
    row: AuditLog
    action: str
    object_label: str
    changes: list[Change]


@dataclass
class Filters:
    actor: str = ""
    object_type: str = ""
    object_id: str = ""
    action: str = ""
    date_from: str = ""
    date_to: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    def args(self) -> dict[str, str]:
        """The filters for a link (empty ones left out), so the pager keeps them."""
        names = ("actor", "object_type", "object_id", "action", "date_from", "date_to")
        return {n: getattr(self, n) for n in names if getattr(self, n)}


@dataclass
class Page:
    entries: list[Entry]
    number: int
    pages: int
    total: int


def read_filters(args: Any) -> Filters:
    """The filters from the query string; a date that is not one is a message, not a 500."""
    filters = Filters(**{n: (args.get(n) or "").strip()[:100] for n in
                         ("actor", "object_type", "object_id", "action", "date_from", "date_to")})
    for name in ("date_from", "date_to"):
        if getattr(filters, name) and parse_day(getattr(filters, name)) is None:
            filters.errors[name] = _("Not a date (YYYY-MM-DD).")
    return filters


def filtered(filters: Filters) -> Select:
    query = select(AuditLog)
    if filters.actor:
        query = query.where(AuditLog.actor.contains(filters.actor, autoescape=True))
    if filters.object_type:
        query = query.where(AuditLog.object_type == filters.object_type)
    if filters.object_id:
        query = query.where(AuditLog.object_id == filters.object_id)
    if filters.action:
        query = query.where(AuditLog.action == filters.action)
    start = parse_day(filters.date_from) if "date_from" not in filters.errors else None
    end = parse_day(filters.date_to) if "date_to" not in filters.errors else None
    return query.where(*within_days(AuditLog.at, start, end))


def audit_page(filters: Filters, wanted: int) -> Page:
    """Page ``wanted`` of the filtered trail, newest first; past the end, the last page."""
    rows, number, pages, total = clamped_page(filtered(filters), AuditLog.id.desc(), wanted, PAGE_SIZE)
    return Page([entry(row) for row in rows], number, pages, total)


def entry(row: AuditLog) -> Entry:
    return Entry(row, label(AUDIT_ACTIONS, row.action), label(AUDIT_OBJECTS, row.object_type), changes(row))


def changes(row: AuditLog) -> list[Change]:
    """Field by field: for a change both sides, for a creation or an event only ``after``,
    for a deletion only ``before``. A secret is marked changed, its value never shown."""
    before, after = _load(row.before), _load(row.after)
    found = []
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        hidden = MASK in (old, new) or bool(SECRET_FIELD.search(name))
        found.append(Change(name, label(AUDIT_FIELDS, name),
                            None if hidden or name not in before else _text(name, old),
                            None if hidden or name not in after else _text(name, new), hidden))
    return found


def known_choices(column: Any, labels: dict) -> list[tuple[str, str]]:
    """The codes in the labels table and those in the trail, each with its label."""
    codes = set(labels) | set(db.session.scalars(select(column).distinct()))
    return sorted(((code, label(labels, code)) for code in codes if code), key=lambda c: c[1])


def object_choices() -> list[tuple[str, str]]:
    return known_choices(AuditLog.object_type, AUDIT_OBJECTS)


def action_choices() -> list[tuple[str, str]]:
    return known_choices(AuditLog.action, AUDIT_ACTIONS)


def is_long(value: str | None) -> bool:
    return value is not None and (len(value) > LONG_VALUE or value.count("\n") > 4)


def _load(text: str | None) -> dict[str, Any]:
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        return {"": text}
    return value if isinstance(value, dict) else {"": value}


def _text(name: str, value: Any) -> str:
    """A stored value as a reader takes it in: times in the centre's zone, role codes by
    their names, JSON inside a string laid out."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if name == "role" and value in ROLES:
        return f"{ROLES[value]} ({value})"
    if isinstance(value, str) and ISO_TIME.fullmatch(value):
        return local(datetime.fromisoformat(value)).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, str) and value[:1] in "{[":
        try:
            value = json.loads(value)
        except ValueError:
            return value
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True)
    return str(value)


