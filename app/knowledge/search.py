"""Finding articles for a short Chinese query, best first, on either database.

The query is cut into words (:mod:`app.knowledge.segment`); an article matches when one of
them begins one of its words. Ranking, the same idea everywhere: first how well the *title*
matches (an article about 挂号信 beats one that mentions 挂号信 in passing), then how well
the whole article matches (keywords count more than the body), then how often agents used
it. PostgreSQL answers from a GIN index over ``to_tsvector('simple', ...)`` with
``ts_rank``; SQLite from an FTS5 table with ``bm25``, kept in step by triggers; an SQLite
built without FTS5 falls back to ``LIKE`` over the same word columns."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import bindparam, case, column, func, literal_column, or_, select, table, text
from sqlalchemy.sql.elements import ColumnElement

from app.extensions import db
from app.knowledge.categories import with_children
from app.knowledge.models import PUBLISHED, KnowledgeArticle
from app.knowledge.segment import query_words

#: The weighted document PostgreSQL's GIN index is built over (the migration creates the
#: index over exactly this expression, so the planner can use it).
PG_DOCUMENT = ("(setweight(to_tsvector('simple', title_tokens), 'A') || "
               "setweight(to_tsvector('simple', keyword_tokens), 'B') || "
               "setweight(to_tsvector('simple', body_tokens), 'C'))")
FTS_TABLE = "knowledge_fts"
DEFAULT_LIMIT = 20


@dataclass
class Hit:
    article: KnowledgeArticle
    title_score: float
    score: float


def search(query: str, *, states: Sequence[str] = (PUBLISHED,), category_id: int | None = None,
           limit: int = DEFAULT_LIMIT, method: str | None = None) -> list[Hit]:
    """The articles in ``states`` (and ``category_id`` or its sub-categories) matching
    ``query``, best first. ``method`` (``postgresql``, ``fts5``, ``like``) is chosen from
    the database unless given."""
    wanted = query_words(query)
    if not wanted:
        return []
    method = method or search_method()
    ranked = {"postgresql": _postgresql, "fts5": _fts5, "like": _like}[method](wanted)
    filters = [KnowledgeArticle.state.in_(list(states))]
    if category_id is not None:
        filters.append(KnowledgeArticle.category_id.in_(with_children(category_id)))
    title_score, score = ranked.c.title_score, ranked.c.score
    rows = db.session.execute(
        select(KnowledgeArticle, title_score, score)
        .join(ranked, ranked.c.id == KnowledgeArticle.id)
        .where(*filters)
        .order_by(title_score.desc(), score.desc(), KnowledgeArticle.use_count.desc(),
                  KnowledgeArticle.id)
        .limit(limit)).all()
    return [Hit(article, float(t), float(s)) for article, t, s in rows]


def search_method() -> str:
    if db.engine.dialect.name == "postgresql":
        return "postgresql"
    if db.engine.dialect.name == "sqlite" and _has_fts_table():
        return "fts5"
    return "like"


def _has_fts_table() -> bool:
    return db.session.execute(text("SELECT 1 FROM sqlite_master WHERE name = :name"),
                              {"name": FTS_TABLE}).first() is not None


def _postgresql(wanted: list[str]):
    words = " | ".join(f"'{word}':*" for word in wanted)  # words are letters and digits only
    tsquery = func.to_tsquery(literal_column("'simple'"), bindparam("knowledge_query", words))
    document = literal_column(PG_DOCUMENT)
    title_only = literal_column("'{0,0,0,1}'")  # weights of D, C, B, A: the title alone
    return (select(KnowledgeArticle.id.label("id"),
                   func.ts_rank(title_only, document, tsquery).label("title_score"),
                   func.ts_rank(document, tsquery).label("score"))
            .where(document.op("@@")(tsquery))
            .subquery())


def _fts5(wanted: list[str]):
    match = " OR ".join(f'"{word}"*' for word in wanted)
    # bm25 counts a document's length over all its columns, so a short body would lift a
    # title; the title's tier is therefore how many of the words it holds. bm25 is lower
    # for better matches: negated, so that higher is better as elsewhere.
    fts = table(FTS_TABLE, column("rowid"))
    return (select(KnowledgeArticle.id.label("id"),
                   _hits(KnowledgeArticle.title_tokens, wanted).label("title_score"),
                   literal_column(f"-bm25({FTS_TABLE}, 10.0, 4.0, 1.0)").label("score"))
            .select_from(fts)
            .join(KnowledgeArticle, KnowledgeArticle.id == fts.c.rowid)
            .where(literal_column(FTS_TABLE).op("MATCH")(match))
            .subquery())


def _hits(column: ColumnElement[str], wanted: list[str]) -> ColumnElement[int]:
    """How many of the words begin a word of ``column``."""
    total: ColumnElement[int] | None = None
    for word in wanted:
        one = case((column.like(f"% {word}%"), 1), else_=0)
        total = one if total is None else total + one
    assert total is not None
    return total


def _like(wanted: list[str]):
    title = _hits(KnowledgeArticle.title_tokens, wanted)
    score = (10 * title + 4 * _hits(KnowledgeArticle.keyword_tokens, wanted)
             + _hits(KnowledgeArticle.body_tokens, wanted))
    anywhere = [column.like(f"% {word}%") for word in wanted
                for column in (KnowledgeArticle.title_tokens, KnowledgeArticle.keyword_tokens,
                               KnowledgeArticle.body_tokens)]
    return (select(KnowledgeArticle.id.label("id"), title.label("title_score"), score.label("score"))
            .where(or_(*anywhere))
            .subquery())
