"""The knowledge base: categories (two levels), articles, their immutable versions, and the
log of how often agents read or used them.

An article row holds the current version's title and keywords (for lists), its state, its
counters and the segmented words the search looks in; the texts themselves live in
:class:`KnowledgeVersion`, one row per save, never changed afterwards."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.audit.models import Audited
from app.extensions import db
from app.timeutil import utcnow

DRAFT, PUBLISHED, RETIRED = "draft", "published", "retired"
STATES = (DRAFT, PUBLISHED, RETIRED)


class KnowledgeCategory(Audited, db.Model):
    """A shelf of articles; a category with a ``parent`` is a sub-category (two levels)."""

    __tablename__ = "knowledge_category"
    __table_args__ = (UniqueConstraint("parent_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("knowledge_category.id"))
    name: Mapped[str] = mapped_column(String(100))
    weight: Mapped[int] = mapped_column(Integer, default=100)

    parent: Mapped[KnowledgeCategory | None] = relationship(remote_side=[id])

    @property
    def path(self) -> str:
        return f"{self.parent.name} › {self.name}" if self.parent else self.name


class KnowledgeArticle(Audited, db.Model):
    __tablename__ = "knowledge_article"
    __table_args__ = (UniqueConstraint("plugin", "slug"),)
    #: The search columns are derived from the versions; the log would only repeat them.
    __audit_exclude__ = ("title_tokens", "keyword_tokens", "body_tokens")

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Set for an article a plugin contributed: (plugin, slug) is its key for the sync.
    plugin: Mapped[str] = mapped_column(String(32), default="")
    slug: Mapped[str | None] = mapped_column(String(120))
    category_id: Mapped[int | None] = mapped_column(ForeignKey("knowledge_category.id"), index=True)
    state: Mapped[str] = mapped_column(String(16), default=DRAFT, index=True)
    #: The number of the current version.
    version: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(200), default="")
    keywords: Mapped[str] = mapped_column(String(500), default="")
    # Words as the segmenter cut them, space-separated with a space at both ends.
    title_tokens: Mapped[str] = mapped_column(Text, default="")
    keyword_tokens: Mapped[str] = mapped_column(Text, default="")
    body_tokens: Mapped[str] = mapped_column(Text, default="")
    view_count: Mapped[int] = mapped_column(Integer, default=0)
    use_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(100), default="")

    category: Mapped[KnowledgeCategory | None] = relationship()

    @property
    def tags(self) -> list[str]:
        return [word for word in self.keywords.split() if word]

    def current(self) -> KnowledgeVersion | None:
        return db.session.scalar(db.select(KnowledgeVersion).where(
            KnowledgeVersion.article_id == self.id, KnowledgeVersion.number == self.version))


class KnowledgeVersion(db.Model):
    """One save of an article, kept as it was: what agents read at a given time can always
    be shown again, with who wrote it and when."""

    __tablename__ = "knowledge_version"
    __table_args__ = (UniqueConstraint("article_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("knowledge_article.id"))
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    #: What the agent tells the caller (and inserts into a work order); the body if empty.
    answer: Mapped[str] = mapped_column(Text, default="")
    keywords: Mapped[str] = mapped_column(String(500), default="")
    note: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100), default="")

    @property
    def answer_text(self) -> str:
        return (self.answer or self.body).strip()


class KnowledgeUse(db.Model):
    """An agent opened an article (``view``) or took its answer (``insert``)."""

    __tablename__ = "knowledge_use"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("knowledge_article.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    username: Mapped[str] = mapped_column(String(100), default="")
    at: Mapped[datetime] = mapped_column(default=utcnow)


class ImmutableVersion(RuntimeError):
    """A saved version was about to be changed or deleted."""


@event.listens_for(KnowledgeVersion, "before_update")
@event.listens_for(KnowledgeVersion, "before_delete")
def _refuse_changes(_mapper, _connection, target: KnowledgeVersion) -> None:
    raise ImmutableVersion(f"knowledge version {target.id} is kept as it was saved")
