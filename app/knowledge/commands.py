"""``postline knowledge sync|reindex``."""
from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from app.audit.acting import as_cli_user
from app.extensions import db
from app.knowledge.contributed import sync
from app.knowledge.models import KnowledgeArticle
from app.knowledge.segment import token_column


@click.group("knowledge", cls=AppGroup)
def knowledge_group() -> None:
    """The knowledge base."""


@knowledge_group.command("sync")
@as_cli_user
def knowledge_sync() -> None:
    """Add or update the articles the enabled plugins contribute (safe to run twice)."""
    counts = sync()
    click.echo(f"knowledge articles: +{counts['knowledge_articles']} new, "
               f"{counts['knowledge_articles_updated']} updated")


@knowledge_group.command("reindex")
@as_cli_user
def knowledge_reindex() -> None:
    """Cut every article's current version into words again (after a dictionary change)."""
    count = 0
    for article in db.session.scalars(select(KnowledgeArticle)):
        version = article.current()
        if version is None:
            continue
        article.title_tokens = token_column(version.title)
        article.keyword_tokens = token_column(version.keywords)
        article.body_tokens = token_column(f"{version.body}\n{version.answer}")
        count += 1
    db.session.commit()
    click.echo(f"knowledge articles reindexed: {count}")
