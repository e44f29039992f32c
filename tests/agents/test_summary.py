"""The call summary on the call's page: saved, versioned and audited; checked with Chinese
sentences; only the call's own agent may see and change it; the calls still to summarise;
a work order registered from the summary."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from app.agents import summary
from app.agents.models import DeskCall
from app.audit.models import AuditLog
from app.customers.models import Customer
from app.extensions import db
from app.testing import csrf_token_from
from app.tickets.models import TicketCategory, WorkOrder
from tests.agents.desk_call_kit import answered_call, client_for


@pytest.fixture
def categories(app) -> dict[str, TicketCategory]:
    """投诉 › 邮件 › 延误 (and a switched-off one), 咨询 › 资费."""
    mail = TicketCategory(type_code="complaint", name="邮件")
    fees = TicketCategory(type_code="consult", name="资费")
    db.session.add_all([mail, fees])
    db.session.flush()
    late = TicketCategory(type_code="complaint", name="延误", parent_id=mail.id)
    gone = TicketCategory(type_code="complaint", name="旧分类", parent_id=mail.id, active=False)
    db.session.add_all([late, gone])
    db.session.commit()
    return {"late": late, "gone": gone, "fees": fees}


def _post(client, call, **data):
    page = client.get(f"/desk/calls/{call.id}").get_data(as_text=True)
    form = {"what": "", "resolved": "yes", "notes": "", "row_version": str(call.row_version),
            "csrf_token": csrf_token_from(page)}
    form.update(data)
    return client.post(f"/desk/calls/{call.id}/summary", data=form)


def test_the_call_page_offers_every_kind_and_active_category_in_one_list(app, make_agent, categories):
    agent = make_agent("8001")
    call = answered_call(agent)
    html = client_for(app, agent).get(f"/desk/calls/{call.id}").get_data(as_text=True)
    assert f'value="complaint:{categories["late"].id}"' in html
    assert "投诉 › 邮件 › 延误" in html
    assert f'value="complaint:{categories["gone"].id}"' not in html
    assert 'accesskey="s"' in html and "autofocus" in html and "Alt+S" in html
    assert "13800138000" in html


def test_saving_the_summary_stores_it_and_audits_it(app, make_agent, categories):
    agent = make_agent("8001")
    call = answered_call(agent)
    response = _post(client_for(app, agent), call, what=f"complaint:{categories['late'].id}",
                     resolved="no", notes="包裹三天未到")
    assert response.status_code == 302
    db.session.expire_all()
    saved = db.session.get(DeskCall, call.id)
    assert (saved.ticket_type, saved.category_id, saved.resolved, saved.notes) == (
        "complaint", categories["late"].id, False, "包裹三天未到")
    assert saved.summarised_at is not None and saved.row_version == 2 and saved.updated_by == agent.username
    trail = db.session.scalars(select(AuditLog).where(AuditLog.object_type == "DeskCall",
                                                      AuditLog.object_id == str(call.id))).all()
    assert [row.action for row in trail] == ["summarise"]
    assert trail[0].actor == agent.username
    detail = json.loads(trail[0].after)
    assert detail["before"]["notes"] == "" and detail["after"]["notes"] == "包裹三天未到"


def test_the_agent_may_correct_his_summary(app, make_agent, categories):
    agent = make_agent("8001")
    call = answered_call(agent)
    client = client_for(app, agent)
    _post(client, call, what="consult", notes="问资费")
    db.session.expire_all()
    assert _post(client, db.session.get(DeskCall, call.id), what=f"consult:{categories['fees'].id}",
                 notes="问资费：国际件").status_code == 302
    db.session.expire_all()
    again = db.session.get(DeskCall, call.id)
    assert (again.category_id, again.notes, again.row_version) == (categories["fees"].id, "问资费：国际件", 3)


def test_a_stale_form_is_refused_with_who_and_when_and_keeps_what_was_typed(app, make_agent, categories):
    agent = make_agent("8001")
    call = answered_call(agent)
    client = client_for(app, agent)
    _post(client, call, what="consult", notes="第一次")
    response = _post(client, call, what="complaint", notes="我的新笔记", row_version="1")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert agent.username in html and "未保存" in html
    assert "我的新笔记" in html
    db.session.expire_all()
    assert db.session.get(DeskCall, call.id).notes == "第一次"


@pytest.mark.parametrize("what, sentence", [("", "请选择这通电话的类别"),
                                            ("nosuch", "没有这种来电类别"),
                                            ("consult:{late}", "该分类不属于所选的来电类别"),
                                            ("complaint:{gone}", "该分类不属于所选的来电类别")])
def test_a_bad_choice_is_a_chinese_error_and_nothing_typed_is_lost(app, make_agent, categories, what, sentence):
    agent = make_agent("8001")
    call = answered_call(agent)
    what = what.format(late=categories["late"].id, gone=categories["gone"].id)
    response = _post(client_for(app, agent), call, what=what, notes="客户说明的情况")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert sentence in html and "客户说明的情况" in html
    db.session.expire_all()
    assert db.session.get(DeskCall, call.id).summarised_at is None


def test_another_agents_call_does_not_exist_for_him(app, make_agent, make_user):
    owner, other = make_agent("8001"), make_agent("8002")
    call = answered_call(owner)
    client = client_for(app, other)
    assert client.get(f"/desk/calls/{call.id}").status_code == 404
    page = client.get("/desk/unsummarised").get_data(as_text=True)
    response = client.post(f"/desk/calls/{call.id}/summary",
                           data={"what": "consult", "csrf_token": csrf_token_from(page)})
    assert response.status_code == 404
    assert client.get("/desk/calls/999999").status_code == 404


def test_a_team_lead_may_look_at_a_call_but_not_change_it(app, make_agent, make_user):
    agent = make_agent("8001")
    call = answered_call(agent, notes="笔记")
    lead = make_user("teamlead")
    client = client_for(app, lead)
    html = client.get(f"/desk/calls/{call.id}").get_data(as_text=True)
    assert "笔记" in html and f'action="/desk/calls/{call.id}/summary"' not in html
    response = client.post(f"/desk/calls/{call.id}/summary",
                           data={"what": "consult", "csrf_token": csrf_token_from(html)})
    assert response.status_code == 404


def test_the_calls_to_summarise_are_the_answered_ones_oldest_first(app, make_agent):
    agent, other = make_agent("8001"), make_agent("8002")
    newer = answered_call(agent, minutes_ago=1)
    older = answered_call(agent, minutes_ago=30)
    answered_call(agent, minutes_ago=40, answered_at=None)  # rang, never answered
    answered_call(agent, minutes_ago=50, ticket_type="consult", summarised_at=older.answered_at)
    answered_call(other, minutes_ago=5)
    assert [c.id for c in summary.unsummarised(agent.id)] == [older.id, newer.id]
    assert summary.unsummarised_count(agent.id) == 2
    html = client_for(app, agent).get("/desk/unsummarised").get_data(as_text=True)
    assert html.index(f"/desk/calls/{older.id}") < html.index(f"/desk/calls/{newer.id}")
    assert "2 通" in html


def test_a_work_order_is_registered_from_the_summary_and_linked_to_the_call(app, make_agent, categories):
    agent = make_agent("8001")
    customer = Customer(name="张三")
    db.session.add(customer)
    db.session.commit()
    call = answered_call(agent, customer_id=customer.id)
    client = client_for(app, agent)
    response = _post(client, call, what=f"complaint:{categories['late'].id}", resolved="no",
                     notes="包裹三天未到，要求查询", order="1")
    assert response.status_code == 302
    db.session.expire_all()
    saved = db.session.get(DeskCall, call.id)
    order = db.session.get(WorkOrder, saved.work_order_id)
    assert response.headers["Location"].endswith(f"/tickets/{order.number}")
    assert (order.type_code, order.category_id, order.customer_id, order.channel) == (
        "complaint", categories["late"].id, customer.id, "phone")
    assert order.description == "包裹三天未到，要求查询" and "13800138000" in order.subject
    assert saved.summarised_at is not None
    # Asked again (a double click): the same order, no second one.
    _post(client, saved, what=f"complaint:{categories['late'].id}", notes="包裹三天未到，要求查询", order="1")
    assert db.session.scalar(select(db.func.count()).select_from(WorkOrder)) == 1


def test_notes_too_long_are_refused_in_chinese_and_kept(app, make_agent):
    agent = make_agent("8001")
    call = answered_call(agent)
    response = _post(client_for(app, agent), call, what="consult", notes="长" * 4001)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "不能超过 4000 个字符" in html and "长" * 4001 in html
    db.session.expire_all()
    assert db.session.get(DeskCall, call.id).summarised_at is None
