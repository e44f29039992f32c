"""The knowledge base's pages as agents and editors use them."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.knowledge import articles
from app.knowledge.models import (
    PUBLISHED,
    KnowledgeArticle,
    KnowledgeCategory,
    KnowledgeUse,
    KnowledgeVersion,
)
from app.testing import submit


def _html(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def published(app):
    category = KnowledgeCategory(name="邮政业务")
    db.session.add(category)
    db.session.flush()
    article = articles.create(articles.Draft(title="挂号信怎么寄", body="在网点交寄，资费为邮资加挂号费3元。",
                                             answer="挂号信在邮局交寄，加收挂号费3元。", keywords="挂号 邮费"),
                              "editor", category_id=category.id, state=PUBLISHED)
    db.session.commit()
    return article.id


def test_an_agent_searches_reads_and_the_reading_is_counted(login, published):
    agent = login("agent")
    html = _html(agent.get("/knowledge/?q=挂号信"))
    assert f'data-article="{published}"' in html and "挂号信怎么寄" in html
    assert 'src="/knowledge/static/knowledge.js"' in html and "<script>" not in html  # strict CSP
    page = agent.get(f"/knowledge/{published}")
    assert page.status_code == 200 and "加收挂号费3元" in _html(page)
    agent.get(f"/knowledge/{published}")
    article = db.session.get(KnowledgeArticle, published)
    assert (article.view_count, article.use_count) == (2, 0)
    assert "/knowledge/new" not in _html(page)  # no editing for agents


def test_using_the_answer_returns_it_as_json_and_counts_a_use(login, published):
    agent = login("agent")
    page = _html(agent.get(f"/knowledge/{published}"))
    assert agent.post(f"/knowledge/{published}/answer").status_code != 200  # no CSRF token
    token = re.search(r'data-csrf="([^"]+)"', page).group(1)
    response = agent.post(f"/knowledge/{published}/answer", headers={"X-CSRFToken": token})
    assert response.status_code == 200
    assert response.get_json() == {"id": published, "title": "挂号信怎么寄", "version": 1,
                                   "answer": "挂号信在邮局交寄，加收挂号费3元。"}
    db.session.expire_all()
    assert db.session.get(KnowledgeArticle, published).use_count == 1
    uses = db.session.scalars(select(KnowledgeUse.kind).where(KnowledgeUse.article_id == published)).all()
    assert sorted(uses) == ["insert", "view"]
    assert agent.post("/knowledge/999999/answer", headers={"X-CSRFToken": token}).status_code == 404


def test_readers_never_see_drafts_and_may_not_edit(login, app):
    draft = articles.create(articles.Draft(title="新资费草稿", body="未定"), "editor")
    db.session.commit()
    agent = login("agent")
    assert agent.get(f"/knowledge/{draft.id}").status_code == 404
    assert "新资费草稿" not in _html(agent.get("/knowledge/?q=资费&state=draft"))
    assert agent.get("/knowledge/new").status_code == 403
    assert agent.get(f"/knowledge/{draft.id}/edit").status_code == 403


def test_an_editor_writes_versions_and_publishes(login, published):
    lead = login("teamlead")
    bad = submit(lead, "/knowledge/new", {"category_id": "0", "title": "", "body": ""})
    assert bad.status_code == 200 and 'class="error"' in _html(bad)  # a form error, no 500

    created = submit(lead, "/knowledge/new", {"category_id": "0", "title": "EMS 时限", "body": "两到三天",
                                              "keywords": "EMS，时限"})
    assert created.status_code == 302
    article = db.session.scalar(select(KnowledgeArticle).where(KnowledgeArticle.title == "EMS 时限"))
    assert (article.state, article.version, article.keywords) == ("draft", 1, "EMS 时限")

    url = f"/knowledge/{article.id}/edit"
    edited = submit(lead, url, {"category_id": "0", "title": "EMS 时限", "body": "省会之间两到三天",
                                "keywords": "EMS 时限", "note": "更准确"})
    assert edited.status_code == 302
    unchanged = submit(lead, url, {"category_id": "0", "title": "EMS 时限", "body": "省会之间两到三天",
                                   "keywords": "EMS 时限"})
    assert unchanged.status_code == 302
    db.session.expire_all()
    kept = db.session.scalars(select(KnowledgeVersion).where(KnowledgeVersion.article_id == article.id)
                              .order_by(KnowledgeVersion.number)).all()
    assert [(v.number, v.body, v.note) for v in kept] == [(1, "两到三天", ""), (2, "省会之间两到三天", "更准确")]
    assert len({v.created_by for v in kept}) == 1 and kept[0].created_by.startswith("teamlead-")  # who
    assert "两到三天" in _html(lead.get(f"/knowledge/{article.id}/versions/1"))  # an old version

    page = f"/knowledge/{article.id}"
    assert submit(lead, f"{page}/state", {"state": "published"}, page=page).status_code == 302
    db.session.expire_all()
    assert db.session.get(KnowledgeArticle, article.id).state == "published"
    assert submit(lead, f"{page}/state", {"state": "gone"}, page=page).status_code == 400


def test_categories_are_a_two_level_tree(login, app):
    manager = login("manager")
    assert submit(manager, "/knowledge/categories", {"name": "住房公积金", "parent_id": "0"}).status_code == 302
    top = db.session.scalar(select(KnowledgeCategory).where(KnowledgeCategory.name == "住房公积金"))
    assert submit(manager, "/knowledge/categories", {"name": "提取", "parent_id": str(top.id)}).status_code == 302
    again = submit(manager, "/knowledge/categories", {"name": "提取", "parent_id": str(top.id)})
    assert again.status_code == 200 and 'class="error"' in _html(again)
    html = _html(manager.get("/knowledge/"))
    assert "住房公积金 › 提取" in html
