"""Call-back tasks (回访任务): agents see their own open tasks first, then the pool's; they
take one, ring, and record each try. Reached: the order's feedback and satisfaction are
recorded. Not reached: the try counts and the task waits; after the last allowed try it is
closed as unreachable and the order says so. Team leaders hand tasks over and withdraw them."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.customers.models import Customer
from app.extensions import db
from app.testing import submit
from app.tickets import callbacks
from app.tickets.callback_models import CallbackAttempt, CallbackTask
from app.tickets.models import TicketEntry, WorkOrder
from app.tickets.states import Refused, apply
from app.timeutil import utcnow


def _html(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def task_for(app, make_user, make_order):
    """``task_for(assignee=None, due_in=0)`` → an open call-back task of a new resulted order."""
    leader = make_user("teamlead")

    def make(assignee=None, due_in: int = 0, subject: str = "包裹破损"):
        customer = Customer(name="李先生", phone="13900139000")
        db.session.add(customer)
        db.session.commit()
        order = make_order(state="resulted", customer_id=customer.id, result="已赔偿20元", subject=subject)
        task = callbacks.create_task(order, leader, phone="13900139000",
                                     due_at=utcnow() + timedelta(minutes=due_in),
                                     assignee_id=assignee.id if assignee else None)
        db.session.commit()
        return task

    return make


def _outcome(client, task, **data):
    page = f"/tickets/callbacks/{task.id}"
    data.setdefault("attempts", str(task.attempts))
    return submit(client, f"{page}/outcome", data, page=page)


def _list(client) -> str:
    return _html(client.get("/tickets/callbacks"))


def _section(html: str, name: str) -> str:
    start = html.index(f'data-list="{name}"')
    return html[start:html.index("</table>", start)]


def test_agents_see_their_own_tasks_first_then_the_pool(app, make_user, task_for, client_for):
    me, colleague = make_user("agent"), make_user("agent")
    mine, pooled = task_for(assignee=me, subject="我的回访"), task_for(subject="池中回访")
    theirs = task_for(assignee=colleague, subject="同事的回访")
    html = _list(client_for(me))
    assert f'data-callback-id="{mine.id}"' in _section(html, "mine")
    assert f'data-callback-id="{pooled.id}"' in _section(html, "pool")
    assert f'data-callback-id="{theirs.id}"' not in html and html.index("我的回访") < html.index("池中回访")
    assert "回访任务" in _html(client_for(me).get("/"))  # in the agent's menu

    leader_view = _list(client_for(make_user("teamlead")))
    assert f'data-callback-id="{theirs.id}"' in _section(leader_view, "others")
    assert client_for(make_user("backoffice")).get("/tickets/callbacks").status_code == 403


def test_a_pool_task_is_taken_by_one_agent(app, make_user, task_for, client_for):
    task = task_for()
    first, second = make_user("agent"), make_user("agent")
    one, two = client_for(first), client_for(second)
    page = f"/tickets/callbacks/{task.id}"
    assert submit(one, f"{page}/take", {}, page=page).status_code == 302
    db.session.expire_all()
    assert db.session.get(CallbackTask, task.id).taken_by_id == first.id
    assert f'data-callback-id="{task.id}"' in _section(_list(one), "mine")
    assert f'data-callback-id="{task.id}"' not in _list(two)

    with pytest.raises(Refused):  # the second agent, with the page opened before the take
        callbacks.take(db.session.get(CallbackTask, task.id), second)
    db.session.rollback()
    refused = _outcome(two, task, outcome="not_reached")
    assert "这条回访任务属于别人" in _html(two.get(refused.headers["Location"]))
    assert db.session.scalar(select(CallbackAttempt)) is None


def test_reaching_the_customer_records_the_feedback_on_the_order(app, make_user, task_for, client_for):
    agent = make_user("agent")
    task = task_for(assignee=agent)
    client = client_for(agent)
    missing = _outcome(client, task, outcome="reached", feedback="")
    assert missing.status_code == 200 and "请填写客户的反馈" in _html(missing)

    done = _outcome(client, task, outcome="reached", feedback="客户表示满意，已收到赔偿", satisfaction="very_satisfied")
    assert done.status_code == 302
    db.session.expire_all()
    order, task = db.session.get(WorkOrder, task.order_id), db.session.get(CallbackTask, task.id)
    assert (order.state, order.feedback, order.satisfaction, order.satisfaction_source) == (
        "feedback", "客户表示满意，已收到赔偿", "very_satisfied", "person")
    assert (task.state, task.attempts) == ("done", 1)
    assert [a.outcome for a in task.tries] == ["reached"]
    html = _html(client.get(f"/tickets/{order.number}"))
    assert "非常满意" in html and 'data-state="done"' in html


def test_not_reaching_counts_until_the_task_is_closed_as_unreachable(app, make_user, task_for, client_for):
    app.config.update(TICKET_CALLBACK_ATTEMPTS=2, TICKET_CALLBACK_RETRY_MINUTES=30)
    agent = make_user("agent")
    task = task_for()
    client = client_for(agent)
    before = utcnow()
    _outcome(client, task, outcome="not_reached", note="无人接听")
    db.session.expire_all()
    task = db.session.get(CallbackTask, task.id)
    assert (task.state, task.attempts, task.taken_by_id) == ("open", 1, None)  # back in the pool
    assert task.due_at >= before + timedelta(minutes=30)
    assert f'data-callback-id="{task.id}"' in _section(_list(client), "pool")

    _outcome(client, task, outcome="not_reached", note="关机", retry_at="2030-01-01T09:00")
    db.session.expire_all()
    task = db.session.get(CallbackTask, task.id)
    assert (task.state, task.attempts) == ("unreachable", 2) and task.closed_at is not None
    order = db.session.get(WorkOrder, task.order_id)
    assert order.state == "resulted"  # a person decides what now
    notes = [e.text for e in db.session.scalars(select(TicketEntry).where(
        TicketEntry.order_id == order.id, TicketEntry.action == "callback")).all()]
    assert any("第 1 次回访（共 2 次）：未联系上客户" in n and "无人接听" in n for n in notes)
    assert any("2 次均未联系上客户，任务已关闭" in n for n in notes)
    assert f'data-callback-id="{task.id}"' not in _list(client)
    assert "2 次均未联系上客户" in _html(client.get(f"/tickets/{order.number}"))


def test_a_try_recorded_twice_from_one_form_counts_once(app, make_user, task_for, client_for):
    agent = make_user("agent")
    task = task_for(assignee=agent)
    client = client_for(agent)
    page = f"/tickets/callbacks/{task.id}"
    html = _html(client.get(page))
    from app.testing import csrf_token_from

    form = {"outcome": "not_reached", "attempts": "0", "csrf_token": csrf_token_from(html)}
    assert client.post(f"{page}/outcome", data=form).status_code == 302
    again = client.post(f"{page}/outcome", data=form)
    assert "这次回访已被他人记录" in _html(client.get(again.headers["Location"]))
    db.session.expire_all()
    assert db.session.get(CallbackTask, task.id).attempts == 1


def test_feedback_recorded_on_the_order_closes_its_task(app, make_user, task_for):
    task = task_for()
    apply(task.order, "feedback", make_user("agent"), {"feedback": "客户来电说已收到"})
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(CallbackTask, task.id).state == "done"


def test_team_leaders_hand_over_and_withdraw_tasks(app, make_user, task_for, client_for):
    agent, leader = make_user("agent"), make_user("teamlead")
    task = task_for()
    boss, worker = client_for(leader), client_for(agent)
    page = f"/tickets/callbacks/{task.id}"
    assert submit(worker, f"{page}/assign", {"assignee_id": str(agent.id)}, page=page).status_code == 403
    submit(boss, f"{page}/assign", {"assignee_id": str(agent.id)}, page=page)
    db.session.expire_all()
    assert db.session.get(CallbackTask, task.id).assignee_id == agent.id
    assert f'data-callback-id="{task.id}"' in _section(_list(worker), "mine")
    nobody = submit(boss, f"{page}/assign", {"assignee_id": str(make_user("backoffice").id)}, page=page)
    assert "没有这个坐席" in _html(boss.get(nobody.headers["Location"]))

    empty = submit(boss, f"{page}/cancel", {"reason": ""}, page=page)
    assert "请填写：原因" in _html(boss.get(empty.headers["Location"]))
    submit(boss, f"{page}/cancel", {"reason": "客户已来电"}, page=page)
    db.session.expire_all()
    assert db.session.get(CallbackTask, task.id).state == "cancelled"
    assert f'data-callback-id="{task.id}"' not in _list(worker)
    closed = _outcome(worker, task, outcome="not_reached")
    assert "这条回访任务已关闭" in _html(worker.get(closed.headers["Location"]))
