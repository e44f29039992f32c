"""The types of work order on this site: the core's and those plugins declare, and the
category rows they bring with them."""
from __future__ import annotations

from sqlalchemy import select

from app.declarations import TicketType
from app.extensions import db
from app.pluginhost import collect
from app.tickets.kinds import CORE_TYPES
from app.tickets.models import TicketCategory


def all_types() -> dict[str, TicketType]:
    """Code → type, core first, then by weight; a plugin cannot replace a core type."""
    types = {t.name: t for t in CORE_TYPES}
    for declared in collect("postline_ticket_types"):
        types.setdefault(declared.name, declared)
    return dict(sorted(types.items(), key=lambda item: item[1].weight))


def ensure_categories(ticket_type: TicketType) -> None:
    """Add the type's declared categories that the table lacks (an administrator may have
    added others, or switched some off: those stay as they are)."""
    for top, sub in ticket_type.categories:
        parent = _category(ticket_type.name, None, top)
        _category(ticket_type.name, parent.id, sub)


def categories_of(type_code: str) -> list[TicketCategory]:
    """The type's active second-level categories (and top levels without active children),
    in the order the administrator gave them; a switched-off top level hides its children."""
    rows = db.session.scalars(select(TicketCategory).where(
        TicketCategory.type_code == type_code, TicketCategory.active.is_(True))).all()
    active_tops = {row.id for row in rows if row.parent_id is None}
    rows = [row for row in rows if row.parent_id is None or row.parent_id in active_tops]
    parents = {row.parent_id for row in rows if row.parent_id}
    leaves = [row for row in rows if row.id not in parents]
    return sorted(leaves, key=_place)


def _place(row: TicketCategory) -> tuple[int, str, int, int, str]:
    top = row.parent or row
    return (top.weight, top.name, 0 if row.parent is None else 1, row.weight, row.name)


def _category(type_code: str, parent_id: int | None, name: str) -> TicketCategory:
    found = db.session.scalar(select(TicketCategory).where(
        TicketCategory.type_code == type_code, TicketCategory.name == name,
        TicketCategory.parent_id.is_(None) if parent_id is None else TicketCategory.parent_id == parent_id))
    if found is None:
        found = TicketCategory(type_code=type_code, parent_id=parent_id, name=name)
        db.session.add(found)
        db.session.flush()
    return found
