"""Following an order from the public page: the number and a phone of its customer must both
match, and anything wrong gets the very same answer (no one can learn which numbers exist);
the citizen reads the state in plain words, the notes meant for them and the result, never
an internal note or a member of staff's name."""
from __future__ import annotations

import re

from sqlalchemy import select

from app.customers.models import Customer
from app.extensions import db
from app.testing import submit
from app.tickets.models import WorkOrder
from app.tickets.register import register
from app.tickets.states import add_note

NOT_FOUND = "没有找到与该工单号和电话号码相符的工单"


def html(response) -> str:
    return response.get_data(as_text=True)


def look_up(client, number: str, phone: str):
    return submit(client, "/public/status", {"number": number, "phone": phone})


def _submitted(send) -> WorkOrder:
    assert send("complaint").status_code == 302
    return db.session.scalar(select(WorkOrder))


def _answer(page: str) -> str:
    """The page without what differs from one request to the next (the CSRF token, the
    values typed back into the form)."""
    main = page[page.index("<main"):page.index("</main>")]
    main = re.sub(r'name="csrf_token" type="hidden" value="[^"]*"', "", main)
    return re.sub(r'value="[^"]*"', "", main)


def test_number_and_phone_together_show_the_order(app, citizen, send):
    order = _submitted(send)
    page = html(look_up(citizen, order.number, "13800138000"))
    assert order.number in page and "已受理，即将转交承办部门" in page and "投诉" in page
    # The phone as people write it.
    assert "已受理" in html(look_up(citizen, f" {order.number} ", "+86 138 0013 8000"))


def test_a_wrong_phone_and_a_wrong_number_get_the_same_answer(app, citizen, send):
    order = _submitted(send)
    other = Customer(name="别人", phone="13911112222")
    db.session.add(other)
    db.session.commit()
    answers = {
        "wrong phone": look_up(citizen, order.number, "13911112222"),
        "unknown number": look_up(citizen, "20200101-00001", "13800138000"),
        "nonsense": look_up(citizen, "'; select 1 --", "abc"),
    }
    for why, response in answers.items():
        assert response.status_code == 200, why
        assert NOT_FOUND in html(response) and "已受理" not in html(response), why
    assert len({_answer(html(response)) for response in answers.values()}) == 1


def test_both_fields_are_needed(app, citizen, send):
    order = _submitted(send)
    page = html(look_up(citizen, order.number, ""))
    assert "请输入您留下的电话号码。" in page and "已受理" not in page
    page = html(look_up(citizen, "", "13800138000"))
    assert "请输入您获得的工单号。" in page and "已受理" not in page


def test_an_order_taken_on_the_phone_is_found_with_its_customers_number(app, citizen, make_user):
    customer = Customer(name="王女士", phone="021-6500 0000")
    db.session.add(customer)
    db.session.flush()
    order = register(make_user("agent"), type_code="query", subject="内部摘要", customer_id=customer.id)
    db.session.commit()
    page = html(look_up(citizen, order.number, "02165000000"))
    assert "已受理" in page and "内部摘要" not in page
    orphan = register(None, type_code="query", subject="无客户")
    db.session.commit()
    assert NOT_FOUND in html(look_up(citizen, orphan.number, "13800138000"))


def test_the_citizen_reads_public_notes_and_the_result_never_internal_notes_or_staff(app, citizen, send,
                                                                                        make_user):
    order = _submitted(send)
    clerk = make_user("backoffice", username="zhang.wei")
    clerk.display_name = "张伟"
    add_note(order, clerk, "内部：客户第三次来电，态度激动", public=False)
    add_note(order, clerk, "投递员已联系您，明天重新投递。", public=True)
    order.state, order.result = "processing", "已赔偿 50 元"
    db.session.commit()
    page = html(look_up(citizen, order.number, "13800138000"))
    assert "正在办理" in page and "投递员已联系您，明天重新投递。" in page
    assert "内部" not in page and "zhang.wei" not in page and "张伟" not in page
    assert "已赔偿" not in page  # a result is read once it is written, not while drafted

    order.state = "resulted"
    db.session.commit()
    page = html(look_up(citizen, order.number, "13800138000"))
    assert "已赔偿 50 元" in page and "我们将致电告知您结果" in page


def test_returned_to_the_agent_is_still_being_handled_for_the_citizen(app, citizen, send):
    order = _submitted(send)
    order.state = "returned"
    db.session.commit()
    page = html(look_up(citizen, order.number, "13800138000"))
    assert "正在办理" in page and "退回" not in page


def test_a_merged_order_shows_the_order_it_went_into_when_it_is_the_same_customers(app, citizen, send):
    send("complaint")
    send("complaint", text="第二次反映：包裹仍未找到，请尽快处理。")
    first, second = db.session.scalars(select(WorkOrder).order_by(WorkOrder.id)).all()
    second.state, second.merged_into_id = "merged", first.id
    first.state = "processing"
    db.session.commit()
    page = html(look_up(citizen, second.number, "13800138000"))
    assert "正在办理" in page and first.number in page

    stranger = Customer(name="别人", phone="13911112222")
    db.session.add(stranger)
    db.session.flush()
    first.customer_id = stranger.id
    db.session.commit()
    page = html(look_up(citizen, second.number, "13800138000"))
    assert "已与同一事项的其他诉求合并办理" in page and first.number not in page
