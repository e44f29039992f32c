"""The pages people on shift use: registering from a call, an order's page with the actions
the person may take, the agent's own orders, the back office's queue."""
from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select

from app.calls.models import CallRecord
from app.customers.models import Customer
from app.extensions import db
from app.testing import csrf_token_from, submit
from app.tickets.models import TicketEntry, WorkOrder
from app.timeutil import utcnow


def _html(response) -> str:
    return response.get_data(as_text=True)


def _member(make_user, departments, role, code="ems", **kw):
    user = make_user(role, **kw)
    user.department_id = departments[code].id
    db.session.commit()
    return user


def test_an_agent_registers_a_complaint_from_a_call(app, make_user, client_for):
    customer = Customer(name="王女士", phone="13800138000")
    call = CallRecord(caller="13800138000", line="11185",
                      data=json.dumps({"ems.tracking": "EA12****85CN"}))
    db.session.add_all([customer, call])
    db.session.commit()
    agent = client_for(make_user("agent"))
    url = f"/tickets/new?type=complaint&customer_id={customer.id}&call_id={call.id}"
    assert "王女士" in _html(agent.get(f"/tickets/new?customer_id={customer.id}"))
    response = submit(agent, url, {"subject": "包裹破损", "channel": "phone", "priority": "high",
                                   "description": "外包装破损，内件损坏"})
    assert response.status_code == 302
    order = db.session.scalar(select(WorkOrder))
    assert (order.customer_id, order.call_id, order.type_code, order.state) == (customer.id, call.id,
                                                                               "complaint", "new")
    page = _html(agent.get(response.headers["Location"]))
    assert order.number in page and "投诉" in page and "EA12****85CN" in page and "王女士" in page
    assert "派单到部门" in page and "开始处理" not in page  # the agent's actions only


def test_a_registration_without_a_subject_is_a_form_error(app, make_user, client_for):
    agent = client_for(make_user("agent"))
    response = submit(agent, "/tickets/new?type=query", {"subject": "", "channel": "phone",
                                                         "priority": "normal"})
    assert response.status_code == 200 and db.session.scalar(select(WorkOrder)) is None
    bad = submit(agent, "/tickets/new?type=query", {"subject": "x", "channel": "pigeon", "priority": "normal"})
    assert bad.status_code == 200 and db.session.scalar(select(WorkOrder)) is None


def test_the_loop_through_the_pages(app, make_user, client_for, departments):
    agent = client_for(make_user("agent"))
    worker_user = _member(make_user, departments, "backoffice")
    worker = client_for(worker_user)
    submit(agent, "/tickets/new?type=query", {"subject": "查询邮件", "channel": "phone", "priority": "normal"})
    order = db.session.scalar(select(WorkOrder))
    page = f"/tickets/{order.number}"

    def act(client, action, **data):
        return submit(client, f"{page}/act/{action}", data, page=page)

    assert act(agent, "assign", department_id=departments["ems"].id).status_code == 302
    assert act(worker, "accept").status_code == 302
    refused = act(worker, "resolve", result="")
    assert "请填写：处理结果" in _html(worker.get(refused.headers["Location"]))
    act(worker, "resolve", result="邮件已妥投")
    act(agent, "feedback", feedback="客户确认收到", satisfaction="satisfied")
    act(agent, "close")
    db.session.expire_all()
    order = db.session.get(WorkOrder, order.id)
    assert (order.state, order.assignee_id, order.result) == ("closed", worker_user.id, "邮件已妥投")
    history = _html(agent.get(page))
    assert "已结案" in history and "邮件已妥投" in history
    assert "重新打开" in history  # closed just now: within the window


def test_a_forbidden_action_is_refused_in_chinese(app, make_user, client_for, make_order):
    order = make_order("assigned")
    agent = client_for(make_user("agent"))
    assert "开始处理" not in _html(agent.get(f"/tickets/{order.number}"))
    response = submit(agent, f"/tickets/{order.number}/act/accept", {}, page=f"/tickets/{order.number}")
    assert "您无权对此工单执行“开始处理”" in _html(agent.get(response.headers["Location"]))
    assert db.session.get(WorkOrder, order.id).state == "assigned"
    unknown = submit(agent, f"/tickets/{order.number}/act/explode", {}, page=f"/tickets/{order.number}")
    assert unknown.status_code == 400
    assert agent.get("/tickets/20000101-00001").status_code == 404


def test_a_form_opened_before_someone_elses_change_is_not_saved(app, make_user, client_for, make_order,
                                                                departments):
    order = make_order("processing")
    zhang, li = (_member(make_user, departments, "backoffice") for _ in range(2))
    one, two = client_for(zhang), client_for(li)
    page = f"/tickets/{order.number}"
    token_one = csrf_token_from(_html(one.get(page)))
    old_version = str(order.row_version)
    submit(two, f"{page}/act/assign_person", {"assignee_id": li.id, "row_version": old_version}, page=page)
    response = one.post(f"{page}/act/assign_person", data={"assignee_id": zhang.id, "row_version": old_version,
                                                           "csrf_token": token_one})
    assert "他人修改" in _html(one.get(response.headers["Location"]))
    db.session.expire_all()
    assert db.session.get(WorkOrder, order.id).assignee_id == li.id


def test_actions_need_the_csrf_token(app, make_user, client_for, make_order):
    order = make_order("new")
    agent = client_for(make_user("agent"))
    response = agent.post(f"/tickets/{order.number}/note", data={"text": "伪造的备注"})
    assert "请重新提交" in _html(agent.get(response.headers["Location"]))
    assert db.session.scalar(select(TicketEntry).where(TicketEntry.kind == "comment")) is None


def test_notes_are_internal_or_for_the_customer(app, make_user, client_for, make_order):
    order = make_order("new")
    qa = client_for(make_user("qa"))
    page = f"/tickets/{order.number}"
    submit(qa, f"{page}/note", {"text": "录音已抽检"}, page=page)
    submit(qa, f"{page}/note", {"text": "已为您加急处理", "public": "1"}, page=page)
    empty = submit(qa, f"{page}/note", {"text": "  "}, page=page)
    assert "请填写：备注" in _html(qa.get(empty.headers["Location"]))
    notes = db.session.scalars(select(TicketEntry).where(TicketEntry.kind == "comment")).all()
    assert [(n.text, n.public) for n in notes] == [("录音已抽检", False), ("已为您加急处理", True)]


def test_my_orders_are_the_ones_i_registered(app, make_user, client_for, make_order):
    mine = client_for(make_user("agent", username="zhang"))
    submit(mine, "/tickets/new?type=query", {"subject": "我登记的", "channel": "phone", "priority": "normal"})
    make_order("new")  # someone else's
    page = _html(mine.get("/tickets/mine"))
    assert "我登记的" in page and "包裹破损" not in page
    assert "我登记的" not in _html(mine.get("/tickets/mine?state=closed"))


def test_the_queue_is_the_departments_sorted_by_deadline(app, make_user, client_for, make_order, departments):
    now = utcnow()
    make_order("assigned", subject="晚到期", due_at=now + timedelta(hours=5))
    make_order("processing", subject="早到期", due_at=now + timedelta(hours=1))
    make_order("assigned", subject="other-department", department_id=departments["mail"].id)
    make_order("closed", subject="closed-one")
    make_order("assigned", type_code="complaint", subject="投诉单", due_at=now + timedelta(hours=9))
    worker = client_for(_member(make_user, departments, "backoffice"))
    page = _html(worker.get("/tickets/queue"))
    assert page.index("早到期") < page.index("晚到期") < page.index("投诉单")
    assert "other-department" not in page and "closed-one" not in page
    complaints = _html(worker.get("/tickets/queue?type=complaint"))
    assert "投诉单" in complaints and "早到期" not in complaints
    assert "closed-one" in _html(worker.get("/tickets/queue?state=closed"))
    agent = client_for(make_user("agent"))
    assert agent.get("/tickets/queue").status_code == 403


def test_bulk_assignment_from_the_queue(app, make_user, client_for, make_order, departments):
    orders = [make_order("assigned") for _ in range(3)]
    lead = client_for(_member(make_user, departments, "teamlead"))
    person = _member(make_user, departments, "backoffice")
    outsider = _member(make_user, departments, "backoffice", code="mail")
    chosen = [o.number for o in orders[:2]]
    submit(lead, "/tickets/queue/assign", {"number": chosen, "assignee_id": str(person.id)},
           page="/tickets/queue")
    db.session.expire_all()
    assert [db.session.get(WorkOrder, o.id).assignee_id for o in orders] == [person.id, person.id, None]
    refused = submit(lead, "/tickets/queue/assign", {"number": [orders[2].number],
                                                     "assignee_id": str(outsider.id)}, page="/tickets/queue")
    assert "不在该部门" in _html(lead.get(refused.headers["Location"]))


def test_a_merged_number_read_out_on_the_phone_leads_to_the_order(app, make_user, client_for, make_order):
    target, duplicate = make_order("processing"), make_order("merged")
    duplicate.merged_into_id = target.id
    db.session.commit()
    agent = client_for(make_user("agent"))
    response = agent.get(f"/tickets/find?number={duplicate.number}")
    assert response.headers["Location"].endswith(f"/tickets/{target.number}")
    assert "已合并到" in _html(agent.get(f"/tickets/{duplicate.number}"))
    nothing = agent.get("/tickets/find?number=nonsense")
    assert nothing.status_code == 200 and "没有工单 nonsense" in _html(nothing)
    assert "查找工单" in _html(agent.get("/tickets/find"))


def test_the_customers_timeline_lists_their_orders(app, make_user, client_for, make_order):
    customer = Customer(name="李先生", phone="13700000000")
    db.session.add(customer)
    db.session.commit()
    order = make_order("new", customer_id=customer.id)
    page = _html(client_for(make_user("agent")).get(f"/customers/{customer.id}"))
    assert f"工单 {order.number}" in page
