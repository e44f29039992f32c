"""What an order's history shows for a changed value: a department's and a person's name,
the other order's number, the satisfaction in words, where the entry itself keeps the id
or code (entries are immutable, so a later rename shows in the history too)."""
from __future__ import annotations

from sqlalchemy import select

from app.auth.models import Department, User
from app.extensions import db
from app.tickets.kinds import SATISFACTION
from app.tickets.models import WorkOrder

#: Fields whose history values are ids, and the name shown for each.
_NAMED = {
    "department_id": (Department, lambda d: d.name),
    "assignee_id": (User, lambda u: u.display_name or u.username),
    "merged_into_id": (WorkOrder, lambda o: o.number),
}


def value_labels(order: WorkOrder) -> dict[str, dict[str, str]]:
    """``{field: {value as stored: text to show}}`` for the values in ``order``'s history;
    a value missing here is shown as stored."""
    labels: dict[str, dict[str, str]] = {"satisfaction": {code: str(title) for code, title in SATISFACTION.items()}}
    for field, (model, name) in _NAMED.items():
        ids = {int(v) for e in order.entries if e.field == field for v in (e.old, e.new) if v and v.isdigit()}
        if ids:
            rows = db.session.scalars(select(model).where(model.id.in_(ids)))
            labels[field] = {str(row.id): name(row) for row in rows}
    return labels
