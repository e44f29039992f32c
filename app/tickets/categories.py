"""Looking after a type's two-level category tree: add, rename, reorder, switch off and on.

A category is never deleted: orders keep their category's id, reports count by it, and the
audit trail (``TicketCategory`` is audited) says who changed what. A category no longer
wanted is switched off: it leaves the registration form, and the orders filed under it keep
it. A category a plugin's type declares cannot be renamed, because
:func:`app.tickets.types.ensure_categories` would add the declared name back beside the new
one; it can be switched off, and the centre adds its own."""
from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.declarations import TicketType
from app.extensions import db
from app.tickets.models import TicketCategory, WorkOrder

MAX_WEIGHT = 10000


class CategoryRefused(ValueError):
    """A change to the tree that may not be made; ``str()`` is the sentence for the user."""


@dataclass
class Node:
    """A top-level category with its children, and how many orders each one files."""

    category: TicketCategory
    uses: int
    declared: bool
    children: list[Node] = field(default_factory=list)


def category_labels() -> dict[int | None, str]:
    """Every category as reports and charts name it ("parent / child"), and ``None`` as
    "(no category)": one query, for tables that count orders by ``category_id``."""
    rows = {row.id: row for row in db.session.scalars(select(TicketCategory))}
    labels: dict[int | None, str] = {None: _("(no category)")}
    for category_id, row in rows.items():
        parent = rows.get(row.parent_id) if row.parent_id else None
        labels[category_id] = f"{parent.name} / {row.name}" if parent else row.name
    return labels


def tree(ticket_type: TicketType) -> list[Node]:
    """The type's top levels in order (weight, name), each with its children in order;
    switched-off categories included (the page shows them as such)."""
    rows = db.session.scalars(select(TicketCategory).where(TicketCategory.type_code == ticket_type.name)
                              .order_by(TicketCategory.weight, TicketCategory.name, TicketCategory.id)).all()
    uses = dict(db.session.execute(select(WorkOrder.category_id, func.count()).where(
        WorkOrder.category_id.in_([row.id for row in rows])).group_by(WorkOrder.category_id)).all()) if rows else {}
    declared = _declared(ticket_type)
    tops = {row.id: Node(row, uses.get(row.id, 0), (row.name, None) in declared)
            for row in rows if row.parent_id is None}
    for row in rows:
        if row.parent_id in tops:
            parent = tops[row.parent_id]
            parent.children.append(Node(row, uses.get(row.id, 0), (row.name, parent.category.name) in declared))
    return list(tops.values())


def add(ticket_type: TicketType, name: str, parent_id: int | None, weight: int) -> TicketCategory:
    """A new category of the type, at the top or under one of its top levels."""
    name = _clean(name)
    parent = None
    if parent_id is not None:
        parent = db.session.get(TicketCategory, parent_id)
        if parent is None or parent.type_code != ticket_type.name or parent.parent_id is not None:
            raise CategoryRefused(_("Choose a top-level category of this type as the parent."))
    _refuse_duplicate(ticket_type.name, parent_id, name)
    category = TicketCategory(type_code=ticket_type.name, parent_id=parent_id, name=name,
                              weight=_weight(weight), active=True)
    db.session.add(category)
    db.session.flush()
    return category


def edit(ticket_type: TicketType, category: TicketCategory, name: str, weight: int) -> None:
    """Rename and reorder one category (its orders keep it: they point at its id)."""
    name = _clean(name)
    if name != category.name:
        parent_name = category.parent.name if category.parent else None
        if (category.name, parent_name) in _declared(ticket_type):
            raise CategoryRefused(_("“%(name)s” is declared by the plugin of this type and keeps its name; "
                                    "switch it off and add your own instead.", name=category.name))
        _refuse_duplicate(ticket_type.name, category.parent_id, name, besides=category.id)
        category.name = name
    category.weight = _weight(weight)
    db.session.flush()


def set_active(category: TicketCategory, active: bool) -> None:
    """Switch a category off (it leaves the registration form; a top level takes its
    children with it) or on again."""
    if active and category.parent is not None and not category.parent.active:
        raise CategoryRefused(_("Switch on its parent category “%(name)s” first.", name=category.parent.name))
    category.active = active
    db.session.flush()


def _clean(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise CategoryRefused(_("Please enter the category's name."))
    if len(name) > 100:
        raise CategoryRefused(_("The name may be at most %(count)d characters long.", count=100))
    return name


def _weight(weight: int | None) -> int:
    if weight is None:
        return 100
    if not 0 <= weight <= MAX_WEIGHT:
        raise CategoryRefused(_("The order must be a whole number from 0 to %(most)d.", most=MAX_WEIGHT))
    return weight


def _refuse_duplicate(type_code: str, parent_id: int | None, name: str, besides: int | None = None) -> None:
    same = select(TicketCategory.id).where(
        TicketCategory.type_code == type_code, TicketCategory.name == name,
        TicketCategory.parent_id.is_(None) if parent_id is None else TicketCategory.parent_id == parent_id)
    if besides is not None:
        same = same.where(TicketCategory.id != besides)
    if db.session.scalar(same) is not None:
        raise CategoryRefused(_("There is a category “%(name)s” here already.", name=name))


def _declared(ticket_type: TicketType) -> set[tuple[str, str | None]]:
    """(name, parent name) of the categories the type declares (``None``: a top level)."""
    found: set[tuple[str, str | None]] = set()
    for top, sub in ticket_type.categories:
        found.add((top, None))
        found.add((sub, top))
    return found
