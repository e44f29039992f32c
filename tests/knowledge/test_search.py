"""The search an agent types 2-4 characters into finds the right article first, on
PostgreSQL (GIN index, ts_rank), on SQLite's FTS5 and on the LIKE fallback alike."""
from __future__ import annotations

import pytest
from sqlalchemy import inspect, text

from app.extensions import db
from app.knowledge import articles
from app.knowledge.models import DRAFT, PUBLISHED, RETIRED
from app.knowledge.search import PG_DOCUMENT, search, search_method

CORPUS = {
    # key: (title, body, keywords)
    "letters": ("国内信函邮政资费", "平常信函每重20克本埠0.80元，外埠1.20元。", "邮费 邮资"),
    "registered": ("挂号信怎么寄", "挂号信在网点交寄，资费为信函邮资加挂号费3元。", "挂号"),
    "claims": ("邮件丢失的赔偿", "挂号信丢失按所付邮资的三倍赔偿，包裹按保价金额赔偿。", "赔偿"),
    "ems": ("EMS 特快专递时限", "省会城市之间一般2至3天送达。", "时限"),
    "papers": ("报刊订阅办理", "每年10月至12月订阅下一年度的报纸和杂志。", "订报"),
    "retire": ("退休提取住房公积金", "退休后凭身份证和退休证明办理销户提取。", "销户"),
    "fund": ("住房公积金提取条件", "购房、还贷、租房、退休、出境定居时可以提取。", "提取条件"),
    "loan": ("住房公积金贷款", "缴存满6个月可申请贷款，退休前须还清。", "贷款"),
}


@pytest.fixture
def corpus(app):
    ids = {}
    for key, (title, body, keywords) in CORPUS.items():
        article = articles.create(articles.Draft(title=title, body=body, keywords=keywords), "editor",
                                  state=PUBLISHED)
        ids[article.id] = key
    db.session.commit()
    return ids


def methods() -> list[str]:
    """The database's own way, and on SQLite also the fallback without FTS5."""
    return [search_method()] + (["like"] if db.engine.dialect.name == "sqlite" else [])


def top(ids, query, method, n=1):
    return [ids[hit.article.id] for hit in search(query, method=method)][:n]


@pytest.mark.parametrize("query, expected", [
    ("邮费", ["letters"]),            # a keyword the text never uses
    ("挂号信", ["registered"]),       # in the title beats in the body (claims)
    ("退休提取", ["retire"]),         # both words in the title
    ("时限", ["ems"]),
    ("ems", ["ems"]),                 # Latin letters, any case
    ("订阅", ["papers"]),
    ("公积金贷款", ["loan"]),
])
def test_short_queries_find_the_expected_article_first(corpus, query, expected):
    for method in methods():
        assert top(corpus, query, method) == expected, method


def test_title_matches_rank_above_body_matches(corpus):
    for method in methods():
        found = top(corpus, "挂号信", method, n=3)
        assert found[:2] == ["registered", "claims"], method  # title, then body
        found = top(corpus, "退休", method, n=4)
        assert found[0] == "retire" and set(found[1:]) == {"fund", "loan"}, method


def test_the_search_finds_nothing_for_unknown_or_empty_words(corpus):
    for method in methods():
        assert search("火星", method=method) == []
        assert search("  ？！ ", method=method) == []


def test_only_published_articles_are_found_unless_asked(corpus):
    retired = next(i for i, key in corpus.items() if key == "ems")
    articles.set_state(db.session.get(articles.KnowledgeArticle, retired), RETIRED, "editor")
    draft = articles.create(articles.Draft(title="EMS 新时限", body="草稿"), "editor", state=DRAFT)
    db.session.commit()
    for method in methods():
        assert search("时限", method=method) == []
        found = {hit.article.id for hit in search("时限", states=(RETIRED, DRAFT), method=method)}
        assert found == {retired, draft.id}


def test_a_new_version_is_searched_in_its_new_words(corpus):
    article_id = next(i for i, key in corpus.items() if key == "papers")
    article = db.session.get(articles.KnowledgeArticle, article_id)
    articles.save_version(article, articles.Draft(title="报刊订阅与退订", body="可以办理退订。"), "editor")
    db.session.commit()
    for method in methods():
        assert [hit.article.id for hit in search("退订", method=method)] == [article_id]
        assert search("杂志", method=method) == []  # the old body is not searched any more


def test_postgresql_answers_from_its_gin_index(app, corpus):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's index")
    indexes = {ix["name"] for ix in inspect(db.engine).get_indexes("knowledge_article")}
    assert "ix_knowledge_article_search" in indexes
    db.session.execute(text("SET LOCAL enable_seqscan = off"))
    plan = "\n".join(row[0] for row in db.session.execute(text(
        f"EXPLAIN SELECT id FROM knowledge_article WHERE {PG_DOCUMENT} @@ to_tsquery('simple', '挂号:*')")))
    assert "ix_knowledge_article_search" in plan


def test_sqlite_uses_fts5_when_it_has_it(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's FTS5")
    assert search_method() == "fts5"
