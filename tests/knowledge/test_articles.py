"""Versions stay as they were saved; the seam other rooms use; the demonstration articles."""
from __future__ import annotations

import pytest
from flask.cli import ScriptInfo
from sqlalchemy import func, select

from app.extensions import db
from app.knowledge import answers, articles
from app.knowledge.models import (
    PUBLISHED,
    ImmutableVersion,
    KnowledgeArticle,
    KnowledgeCategory,
    KnowledgeUse,
    KnowledgeVersion,
)
from app.knowledge.search import search


@pytest.fixture
def postline_plugins():
    """The core's own behaviour with the first business line only: the default flows and
    demo data then do not depend on which other lines are shipped."""
    return ["postcode"]


def test_a_saved_version_can_be_neither_changed_nor_deleted(app):
    article = articles.create(articles.Draft(title="资费", body="旧"), "editor")
    db.session.commit()
    version = article.current()
    version.body = "改过"
    with pytest.raises(ImmutableVersion):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.get(KnowledgeVersion, version.id))
    with pytest.raises(ImmutableVersion):
        db.session.commit()
    db.session.rollback()
    assert db.session.get(KnowledgeVersion, version.id).body == "旧"


def test_answer_text_is_the_published_answer_or_the_body(app, make_user):
    with_answer = articles.create(articles.Draft(title="甲", body="长的说明", answer="短的答复"), "e",
                                  state=PUBLISHED)
    without = articles.create(articles.Draft(title="乙", body="只有说明"), "e", state=PUBLISHED)
    draft = articles.create(articles.Draft(title="丙", body="草稿"), "e")
    db.session.commit()
    assert answers.answer_text(with_answer.id) == "短的答复"
    assert answers.answer_text(without.id) == "只有说明"
    with pytest.raises(LookupError):
        answers.answer_text(draft.id)
    with pytest.raises(LookupError):
        answers.answer_text(999999)

    agent = make_user("agent")
    answers.record_use(with_answer.id, agent)
    answers.record_use(with_answer.id, agent)
    db.session.expire_all()
    assert db.session.get(KnowledgeArticle, with_answer.id).use_count == 2
    assert db.session.scalars(select(KnowledgeUse.username)).all() == [agent.username] * 2


def test_demo_load_adds_a_dozen_articles_in_categories_once(app):
    from app.commands import cli

    runner = app.test_cli_runner()
    obj = ScriptInfo(create_app=lambda: app)
    first = runner.invoke(cli, ["demo", "load"], obj=obj)
    assert first.exit_code == 0, first.output
    assert "knowledge_articles +12" in first.output
    assert "knowledge_articles +0" in runner.invoke(cli, ["demo", "load"], obj=obj).output
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(KnowledgeArticle)) == 12
    tops = db.session.scalars(select(KnowledgeCategory.name).where(KnowledgeCategory.parent_id.is_(None))).all()
    assert set(tops) == {"邮政业务", "网点服务", "住房公积金"}
    titles = {query: search(query)[0].article.title for query in ("邮费", "挂号信", "退休提取", "报刊订阅")}
    assert titles == {"邮费": "国内信函邮政资费", "挂号信": "挂号信怎么寄、多少钱",
                      "退休提取": "退休提取住房公积金", "报刊订阅": "报刊订阅办理"}
    assert search("EMS 时限")[0].article.title == "EMS 国内特快专递时限"
    assert search("公积金提取条件")[0].article.title == "住房公积金提取条件"
