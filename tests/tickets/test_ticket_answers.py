""""Insert this answer": from a work order's page an agent finds a knowledge article and takes
its answer as a note the customer may hear, or the back office takes it into the result; the
knowledge base counts the use. Plain forms: no JavaScript needed."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.knowledge import articles
from app.knowledge.models import DRAFT, PUBLISHED, KnowledgeArticle, KnowledgeUse
from app.testing import submit
from app.tickets.models import TicketEntry

ANSWER = "挂号信可在交寄后一年内凭收据查询；如确认丢失，按所付邮资的三倍赔偿。"


def _html(response) -> str:
    return response.get_data(as_text=True)


def _article(title: str, answer: str, state: str = PUBLISHED) -> int:
    created = articles.create(articles.Draft(title=title, body="给据邮件的查询期限为一年。" + answer, answer=answer,
                                             keywords="挂号信 查询 赔偿"), "editor", state=state)
    db.session.commit()
    return created.id


@pytest.fixture
def published(app) -> int:
    return _article("挂号信丢失的查询与赔偿", ANSWER)


def test_an_agent_inserts_an_answer_as_a_note_for_the_customer(app, make_user, client_for, make_order,
                                                                 published):
    order = make_order("new", type_code="complaint")
    agent = client_for(make_user("agent", username="xiaowang"))
    page = f"/tickets/{order.number}"
    found = _html(agent.get(f"{page}?kq=挂号信 赔偿"))
    assert f'data-article="{published}"' in found and ANSWER in found and "作为客户可听的备注插入" in found

    response = submit(agent, f"{page}/answer/{published}", {"into": "note", "kq": "挂号信"}, page=page)
    assert response.status_code == 302
    entry = db.session.scalar(select(TicketEntry).where(TicketEntry.action == "knowledge"))
    assert (entry.public, entry.actor, entry.kind) == (True, "xiaowang", "comment")
    assert ANSWER in entry.text and "挂号信丢失的查询与赔偿" in entry.text
    history = _html(agent.get(page))
    assert "客户可听" in history and ANSWER in history

    use = db.session.scalar(select(KnowledgeUse))
    assert (use.article_id, use.kind, use.username) == (published, "insert", "xiaowang")
    assert db.session.get(KnowledgeArticle, published).use_count == 1


def test_the_back_office_takes_an_answer_into_the_result(app, make_user, client_for, make_order, departments,
                                                          published):
    order = make_order("processing")
    worker = make_user("backoffice")
    worker.department_id = departments["ems"].id
    db.session.commit()
    back = client_for(worker)
    page = f"/tickets/{order.number}"
    assert "填入处理结果" in _html(back.get(f"{page}?kq=挂号信"))

    response = submit(back, f"{page}/answer/{published}", {"into": "result", "kq": "挂号信"}, page=page)
    assert response.status_code == 302 and "#resolve-result" in response.headers["Location"]
    form = _html(back.get(response.headers["Location"]))
    textarea = re.search(r'<textarea id="resolve-result" name="result">([^<]*)</textarea>', form)
    assert textarea and ANSWER in textarea.group(1)  # prefilled; the person edits and saves it
    assert db.session.get(KnowledgeArticle, published).use_count == 1
    assert db.session.scalar(select(TicketEntry).where(TicketEntry.action == "knowledge")) is None

    assert "填入处理结果" not in _html(client_for(make_user("agent")).get(f"{page}?kq=挂号信"))  # not theirs to write


def test_a_draft_article_gives_no_answer(app, make_user, client_for, make_order):
    draft = _article("挂号信草稿", "还没审核的答案", state=DRAFT)
    order = make_order("new")
    agent = client_for(make_user("agent"))
    page = f"/tickets/{order.number}"
    assert f'data-article="{draft}"' not in _html(agent.get(f"{page}?kq=挂号信"))
    refused = submit(agent, f"{page}/answer/{draft}", {"into": "note"}, page=page)
    assert "未发布" in _html(agent.get(refused.headers["Location"]))
    assert db.session.scalar(select(TicketEntry).where(TicketEntry.action == "knowledge")) is None
    assert db.session.scalar(select(KnowledgeUse)) is None


def test_inserting_needs_the_csrf_token(app, make_user, client_for, make_order, published):
    order = make_order("new")
    agent = client_for(make_user("agent"))
    agent.post(f"/tickets/{order.number}/answer/{published}", data={"into": "note"})
    assert db.session.scalar(select(TicketEntry).where(TicketEntry.action == "knowledge")) is None
    assert db.session.get(KnowledgeArticle, published).use_count == 0
