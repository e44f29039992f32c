"""Writing articles: every save is a new version; publishing and retiring change the state.

The article row then carries the new version's number, title and keywords, and the words
the search looks in, so that a search never has to read the versions."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from app.extensions import db
from app.knowledge.models import DRAFT, PUBLISHED, RETIRED, STATES, KnowledgeArticle, KnowledgeVersion
from app.knowledge.segment import token_column
from app.timeutil import utcnow


@dataclass
class Draft:
    """What an editor (or a plugin) writes; becomes a version."""

    title: str
    body: str
    answer: str = ""
    keywords: str = ""
    note: str = ""


def normalised_keywords(keywords: str) -> str:
    """Keywords as one space-separated string, each once (commas and 、 also separate)."""
    found: dict[str, None] = {}
    for word in keywords.replace(",", " ").replace("，", " ").replace("、", " ").split():
        found.setdefault(word, None)
    return " ".join(found)


def create(draft: Draft, author: str, category_id: int | None = None,
           state: str = DRAFT, plugin: str = "", slug: str | None = None) -> KnowledgeArticle:
    article = KnowledgeArticle(category_id=category_id, state=state, plugin=plugin, slug=slug,
                               updated_by=author)
    db.session.add(article)
    db.session.flush()
    save_version(article, draft, author)
    return article


def save_version(article: KnowledgeArticle, draft: Draft, author: str) -> KnowledgeVersion:
    """A new version of ``article``, which becomes the current one (not committed)."""
    number = (db.session.scalar(select(func.max(KnowledgeVersion.number)).where(
        KnowledgeVersion.article_id == article.id)) or 0) + 1
    keywords = normalised_keywords(draft.keywords)
    version = KnowledgeVersion(article_id=article.id, number=number, title=draft.title.strip(),
                               body=draft.body.strip(), answer=draft.answer.strip(), keywords=keywords,
                               note=draft.note.strip(), created_by=author)
    db.session.add(version)
    article.version = number
    article.title = version.title
    article.keywords = keywords
    article.title_tokens = token_column(version.title)
    article.keyword_tokens = token_column(keywords)
    article.body_tokens = token_column(f"{version.body}\n{version.answer}")
    article.updated_at = utcnow()
    article.updated_by = author
    return version


def same_as_current(article: KnowledgeArticle, draft: Draft) -> bool:
    current = article.current()
    return current is not None and (current.title, current.body, current.answer, current.keywords) == (
        draft.title.strip(), draft.body.strip(), draft.answer.strip(), normalised_keywords(draft.keywords))


def set_state(article: KnowledgeArticle, state: str, author: str) -> None:
    if state not in STATES:
        raise ValueError(f"unknown state {state!r}")
    article.state = state
    article.updated_at = utcnow()
    article.updated_by = author


def publish(article: KnowledgeArticle, author: str) -> None:
    set_state(article, PUBLISHED, author)


def retire(article: KnowledgeArticle, author: str) -> None:
    set_state(article, RETIRED, author)


def versions(article: KnowledgeArticle) -> list[KnowledgeVersion]:
    return list(db.session.scalars(select(KnowledgeVersion).where(
        KnowledgeVersion.article_id == article.id).order_by(KnowledgeVersion.number.desc())))
