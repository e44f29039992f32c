"""Articles that plugins declare (``postline_knowledge_articles``), brought into the
knowledge base. Keyed by (plugin, slug): a second sync with the same texts changes nothing,
a changed text becomes a new version, and a state an editor chose (retired) stays."""
from __future__ import annotations

from sqlalchemy import select

from app.declarations import Article
from app.extensions import db
from app.knowledge import articles
from app.knowledge.categories import ensure_path
from app.knowledge.models import PUBLISHED, KnowledgeArticle
from app.pluginhost import collect


def sync(declared: list[Article] | None = None) -> dict[str, int]:
    """Adds and updates the declared articles and commits; returns how many of each."""
    added = updated = 0
    for item in collect("postline_knowledge_articles") if declared is None else declared:
        draft = articles.Draft(title=item.title, body=item.body, answer=item.answer,
                               keywords=" ".join(item.keywords))
        author = f"plugin:{item.plugin}"
        category = ensure_path(item.category)
        found = db.session.scalar(select(KnowledgeArticle).where(
            KnowledgeArticle.plugin == item.plugin, KnowledgeArticle.slug == item.name))
        if found is None:
            articles.create(draft, author, category_id=category.id if category else None,
                            state=PUBLISHED, plugin=item.plugin, slug=item.name)
            added += 1
        elif not articles.same_as_current(found, draft):
            articles.save_version(found, draft, author)
            updated += 1
    db.session.commit()
    return {"knowledge_articles": added, "knowledge_articles_updated": updated}
