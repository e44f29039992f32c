"""The knowledge base's migration builds the full-text index and takes it away again."""
from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import inspect

from app import create_app
from app.extensions import db
from app.pluginhost.migrations import alembic_config, upgrade_core
from app.testing.pytest_plugin import _backends, base_config

BEFORE_KNOWLEDGE = "5b7e2c9d4a10"


@pytest.mark.parametrize("backend", _backends())
def test_the_knowledge_tables_and_their_search_index_come_and_go(backend, postline_databases):
    app = create_app(base_config(postline_databases.new(backend), []))
    with app.app_context():
        upgrade_core()
        tables = set(inspect(db.engine).get_table_names())
        assert {"knowledge_category", "knowledge_article", "knowledge_version", "knowledge_use"} <= tables
        if backend == "sqlite":
            assert "knowledge_fts" in tables
        else:
            indexes = {ix["name"] for ix in inspect(db.engine).get_indexes("knowledge_article")}
            assert "ix_knowledge_article_search" in indexes
        db.session.remove()
        with db.engine.begin() as connection:
            command.downgrade(alembic_config(None, connection), BEFORE_KNOWLEDGE)
        left = {name for name in inspect(db.engine).get_table_names() if name.startswith("knowledge")}
        assert left == set()
        db.engine.dispose()
