"""knowledge base: categories, articles with immutable versions, use log, full-text index

Revision ID: 3c8d1f6a2b47
Revises: 5b7e2c9d4a10
Create Date: 2026-12-02 00:30:00

Articles carry their words as jieba cut them (app/knowledge/segment.py). PostgreSQL
indexes them with a GIN index over the weighted ``to_tsvector('simple', ...)`` document
that app/knowledge/search.py queries (the expressions must stay identical, or the planner
cannot use the index). SQLite gets an FTS5 table over the same columns, kept in step by
triggers; an SQLite without FTS5 gets none, and the search falls back to LIKE.
"""
import sqlalchemy as sa
from alembic import op

revision = '3c8d1f6a2b47'
down_revision = '5b7e2c9d4a10'
branch_labels = None
depends_on = None

PG_DOCUMENT = ("(setweight(to_tsvector('simple', title_tokens), 'A') || "
               "setweight(to_tsvector('simple', keyword_tokens), 'B') || "
               "setweight(to_tsvector('simple', body_tokens), 'C'))")
COLUMNS = "title_tokens, keyword_tokens, body_tokens"
SQLITE_FTS = [
    f"CREATE VIRTUAL TABLE knowledge_fts USING fts5({COLUMNS}, content='knowledge_article', "
    "content_rowid='id')",
    f"CREATE TRIGGER knowledge_fts_insert AFTER INSERT ON knowledge_article BEGIN "
    f"INSERT INTO knowledge_fts(rowid, {COLUMNS}) VALUES (new.id, new.title_tokens, "
    "new.keyword_tokens, new.body_tokens); END",
    f"CREATE TRIGGER knowledge_fts_delete AFTER DELETE ON knowledge_article BEGIN "
    f"INSERT INTO knowledge_fts(knowledge_fts, rowid, {COLUMNS}) VALUES ('delete', old.id, "
    "old.title_tokens, old.keyword_tokens, old.body_tokens); END",
    f"CREATE TRIGGER knowledge_fts_update AFTER UPDATE OF {COLUMNS} ON knowledge_article BEGIN "
    f"INSERT INTO knowledge_fts(knowledge_fts, rowid, {COLUMNS}) VALUES ('delete', old.id, "
    "old.title_tokens, old.keyword_tokens, old.body_tokens); "
    f"INSERT INTO knowledge_fts(rowid, {COLUMNS}) VALUES (new.id, new.title_tokens, "
    "new.keyword_tokens, new.body_tokens); END",
]


def upgrade() -> None:
    op.create_table('knowledge_category',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('weight', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['parent_id'], ['knowledge_category.id'],
                            name=op.f('fk_knowledge_category_parent_id_knowledge_category')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_knowledge_category')),
    sa.UniqueConstraint('parent_id', 'name', name=op.f('uq_knowledge_category_parent_id'))
    )
    op.create_table('knowledge_article',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plugin', sa.String(length=32), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=True),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('keywords', sa.String(length=500), nullable=False),
    sa.Column('title_tokens', sa.Text(), nullable=False),
    sa.Column('keyword_tokens', sa.Text(), nullable=False),
    sa.Column('body_tokens', sa.Text(), nullable=False),
    sa.Column('view_count', sa.Integer(), nullable=False),
    sa.Column('use_count', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['category_id'], ['knowledge_category.id'],
                            name=op.f('fk_knowledge_article_category_id_knowledge_category')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_knowledge_article')),
    sa.UniqueConstraint('plugin', 'slug', name=op.f('uq_knowledge_article_plugin'))
    )
    with op.batch_alter_table('knowledge_article', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_knowledge_article_category_id'), ['category_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_knowledge_article_state'), ['state'], unique=False)
    op.create_table('knowledge_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('keywords', sa.String(length=500), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['knowledge_article.id'],
                            name=op.f('fk_knowledge_version_article_id_knowledge_article')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_knowledge_version')),
    sa.UniqueConstraint('article_id', 'number', name=op.f('uq_knowledge_version_article_id'))
    )
    op.create_table('knowledge_use',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('username', sa.String(length=100), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['knowledge_article.id'],
                            name=op.f('fk_knowledge_use_article_id_knowledge_article')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_knowledge_use_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_knowledge_use'))
    )
    with op.batch_alter_table('knowledge_use', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_knowledge_use_article_id'), ['article_id'], unique=False)

    dialect = op.get_bind().dialect.name
    if dialect == 'postgresql':
        op.execute(f"CREATE INDEX ix_knowledge_article_search ON knowledge_article USING gin ({PG_DOCUMENT})")
    elif dialect == 'sqlite' and _sqlite_has_fts5():
        for statement in SQLITE_FTS:
            op.execute(statement)


def _sqlite_has_fts5() -> bool:
    options = {row[0] for row in op.get_bind().execute(sa.text("PRAGMA compile_options"))}
    return "ENABLE_FTS5" in options


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == 'postgresql':
        op.execute("DROP INDEX IF EXISTS ix_knowledge_article_search")
    elif dialect == 'sqlite':
        for trigger in ('insert', 'delete', 'update'):
            op.execute(f"DROP TRIGGER IF EXISTS knowledge_fts_{trigger}")
        op.execute("DROP TABLE IF EXISTS knowledge_fts")
    with op.batch_alter_table('knowledge_use', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_knowledge_use_article_id'))
    op.drop_table('knowledge_use')
    op.drop_table('knowledge_version')
    with op.batch_alter_table('knowledge_article', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_knowledge_article_state'))
        batch_op.drop_index(batch_op.f('ix_knowledge_article_category_id'))
    op.drop_table('knowledge_article')
    op.drop_table('knowledge_category')
