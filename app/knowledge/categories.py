"""The category tree (two levels): what the search filter and the edit form offer."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.knowledge.models import KnowledgeCategory


def tree() -> list[tuple[KnowledgeCategory, list[KnowledgeCategory]]]:
    """Top-level categories with their sub-categories, in order of weight and name."""
    every = db.session.scalars(select(KnowledgeCategory).order_by(
        KnowledgeCategory.weight, KnowledgeCategory.name)).all()
    return [(top, [child for child in every if child.parent_id == top.id])
            for top in every if top.parent_id is None]


def choices() -> list[tuple[int, str]]:
    """(id, "上级 › 下级") for a select box, parents before their children."""
    found = []
    for top, children in tree():
        found.append((top.id, top.name))
        found.extend((child.id, child.path) for child in children)
    return found


def with_children(category_id: int) -> list[int]:
    children = db.session.scalars(select(KnowledgeCategory.id).where(
        KnowledgeCategory.parent_id == category_id)).all()
    return [category_id, *children]


def ensure_path(path: str) -> KnowledgeCategory | None:
    """The category ``"上级/下级"`` (or ``"上级"``), created when missing; ``None`` for ""."""
    names = [name.strip() for name in path.replace("›", "/").split("/") if name.strip()][:2]
    parent: KnowledgeCategory | None = None
    for name in names:
        found = db.session.scalar(select(KnowledgeCategory).where(
            KnowledgeCategory.name == name,
            KnowledgeCategory.parent_id == (parent.id if parent else None)
            if parent else KnowledgeCategory.parent_id.is_(None)))
        if found is None:
            found = KnowledgeCategory(name=name[:100], parent=parent)
            db.session.add(found)
            db.session.flush()
        parent = found
    return parent
