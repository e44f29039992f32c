"""The seam for other pages (the work order form): the answer an article gives, and the
record that an agent used it.

``answer_text(article_id)`` is the current version's answer (its body when it has no
separate answer), for a published article only: a draft or a retired article is nothing an
agent should tell a caller. ``record_use(article_id, user)`` counts one use; the page that
inserts the answer calls it (the JSON endpoint ``/knowledge/<id>/answer`` does both)."""
from __future__ import annotations

from typing import Any

from sqlalchemy import update

from app.extensions import db
from app.knowledge.models import PUBLISHED, KnowledgeArticle, KnowledgeUse

VIEW, INSERT = "view", "insert"


def published_article(article_id: int) -> KnowledgeArticle:
    article = db.session.get(KnowledgeArticle, article_id)
    if article is None or article.state != PUBLISHED:
        raise LookupError(f"no published knowledge article {article_id}")
    return article


def answer_text(article_id: int) -> str:
    """The text to give the caller; LookupError if the article is not published."""
    version = published_article(article_id).current()
    return version.answer_text if version else ""


def record_use(article_id: int, user: Any, kind: str = INSERT) -> None:
    """Counts one use (``insert``) or reading (``view``) of the article by ``user`` and
    commits. The counter is raised in the database, so simultaneous agents all count."""
    counter = KnowledgeArticle.use_count if kind == INSERT else KnowledgeArticle.view_count
    db.session.execute(update(KnowledgeArticle).where(KnowledgeArticle.id == article_id)
                       .values({counter: counter + 1}))
    db.session.add(KnowledgeUse(article_id=article_id, kind=kind,
                                user_id=getattr(user, "id", None),
                                username=getattr(user, "username", "") or ""))
    db.session.commit()
