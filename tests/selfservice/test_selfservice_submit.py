"""A citizen's complaint or suggestion from the public form becomes a work order with channel
web and a customer found or created by the mobile number; bad input is a Chinese sentence
beside its field and saves nothing; a form without its CSRF token is refused."""
from __future__ import annotations

import io
import json

from sqlalchemy import func, select

from app.customers.models import Customer, CustomerPhone
from app.extensions import db
from app.testing import submit
from app.tickets.models import TicketAttachment, TicketCategory, TicketEntry, WorkOrder


def html(response) -> str:
    return response.get_data(as_text=True)


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_complaint_becomes_a_web_order_and_the_citizen_keeps_its_number(app, citizen, send, good):
    response = send("complaint")
    assert response.status_code == 302 and response.headers["Location"].endswith("/public/done")
    order = db.session.scalar(select(WorkOrder))
    assert (order.type_code, order.channel, order.state, order.created_by_id) == ("complaint", "web", "new", None)
    assert order.description == good["text"] and order.subject == good["text"]
    assert order.customer.name == "李先生" and order.customer.phone == "13800138000"
    assert json.loads(order.extra) == {"contact_name": "李先生", "contact_phone": "13800138000"}
    assert db.session.scalar(select(TicketEntry.action).where(TicketEntry.order_id == order.id)) == "register"

    confirmation = html(citizen.get("/public/done"))
    assert order.number in confirmation and "请记下这个工单号" in confirmation
    # Shown once: reloading the page does not show it again, nor someone else's.
    again = html(citizen.get("/public/done"))
    assert order.number not in again and "只在提交后显示一次" in again


def test_a_known_phone_finds_its_customer_whatever_the_name_typed(app, send):
    known = Customer(name="李建国", phone="13800138000")
    db.session.add(known)
    db.session.commit()
    assert send("suggestion", name="老李", phone="+86 138-0013-8000").status_code == 302
    order = db.session.scalar(select(WorkOrder))
    assert (order.customer_id, order.type_code) == (known.id, "suggestion")
    assert db.session.get(Customer, known.id).name == "李建国"  # the record is not rewritten
    assert json.loads(order.extra)["contact_name"] == "老李"
    assert _count(Customer) == 1


def test_a_merged_customer_record_leads_to_the_one_it_went_into(app, send):
    survivor = Customer(name="李建国", phone="13900000000")
    duplicate = Customer(name="李建国", phone="13800138000")
    db.session.add_all([survivor, duplicate])
    db.session.flush()
    duplicate.merged_into_id = survivor.id
    db.session.commit()
    send("complaint")
    assert db.session.scalar(select(WorkOrder.customer_id)) == survivor.id


def test_the_category_comes_from_the_types_tree(app, citizen, send):
    top = TicketCategory(type_code="complaint", name="投递服务")
    db.session.add(top)
    db.session.flush()
    late = TicketCategory(type_code="complaint", parent_id=top.id, name="邮件延误")
    other = TicketCategory(type_code="suggestion", name="营业时间")
    db.session.add_all([late, other])
    db.session.commit()
    page = html(citizen.get("/public/submit/complaint"))
    assert "投递服务 › 邮件延误" in page and "营业时间" not in page

    missing = send("complaint")
    assert missing.status_code == 200 and "请选择您反映的问题类别。" in html(missing)
    wrong_type = send("complaint", category_id=str(other.id))
    assert wrong_type.status_code == 200 and _count(WorkOrder) == 0
    assert send("complaint", category_id=str(late.id)).status_code == 302
    assert db.session.scalar(select(WorkOrder.category_id)) == late.id


def test_bad_input_is_said_in_chinese_and_nothing_is_saved(app, send):
    cases = {
        "phone": ("010-6500 0000", "请输入 11 位手机号码"),  # a landline: no SMS, no call-back on the move
        "name": ("", "请填写您的姓名。"),
        "text": ("丢了", "请填写 5 到 2000 个字。"),
    }
    for field, (value, sentence) in cases.items():
        response = send("complaint", **{field: value})
        page = html(response)
        assert response.status_code == 200, field
        assert sentence in page and "请修改下面标出的内容，尚未提交。" in page, field
    assert (_count(WorkOrder), _count(Customer), _count(CustomerPhone)) == (0, 0, 0)


def test_only_complaints_and_suggestions_are_taken(app, citizen, good):
    assert citizen.get("/public/submit/service").status_code == 404
    posted = submit(citizen, "/public/submit/consult", good, page="/public/submit/complaint")
    assert posted.status_code == 404
    assert _count(WorkOrder) == 0


def test_a_form_without_its_csrf_token_is_refused(app, citizen, good):
    citizen.get("/public/submit/complaint")
    response = citizen.post("/public/submit/complaint", data=good)
    assert response.status_code == 400 and "表单已过期" in html(response)
    forged = citizen.post("/public/submit/complaint", data={**good, "csrf_token": "forged"})
    assert forged.status_code == 400
    status = citizen.post("/public/status", data={"number": "20260101-00001", "phone": "13800138000"})
    assert status.status_code == 400
    assert _count(WorkOrder) == 0


def test_a_citizens_file_is_kept_with_the_order_and_a_file_that_is_not_what_it_says_saves_nothing(
        app, citizen, send):
    page = html(citizen.get("/public/submit/complaint"))
    assert 'type="file"' in page and 'enctype="multipart/form-data"' in page
    refused = send("complaint", attachment=(io.BytesIO(b"MZ"), "run.exe"))
    assert refused.status_code == 200 and "请上传照片" in html(refused) and _count(WorkOrder) == 0
    disguised = send("complaint", attachment=(io.BytesIO(b"MZ\x90\x00 a program"), "包裹.png"))
    assert disguised.status_code == 200 and "不能作为附件" in html(disguised) and _count(WorkOrder) == 0
    assert _count(TicketAttachment) == 0
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    assert send("complaint", attachment=(io.BytesIO(png), "包裹.png")).status_code == 302
    order = db.session.scalar(select(WorkOrder))
    (kept,) = order.attachments
    assert (kept.original_name, kept.content_type, kept.size) == ("包裹.png", "image/png", len(png))
    assert kept.uploaded_by == json.loads(order.extra)["contact_name"] and kept.uploaded_by_id is None


def test_a_request_larger_than_an_attachment_is_refused_unread(app, citizen, send):
    app.config["SELFSERVICE_MAX_ATTACHMENT"] = 1024
    response = send("complaint", text="很长的内容。" * 40000)
    assert response.status_code == 413 and "提交的内容太大。" in html(response)
    assert _count(WorkOrder) == 0
