"""The administrator looks after each type's category tree: adds, renames, reorders and
switches off categories; agents see the result on the registration form, orders keep their
category, and the audit trail says who changed what."""
from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select

from app.audit.models import AuditLog
from app.declarations import TicketType
from app.extensions import db
from app.hookspecs import hookimpl
from app.testing import submit
from app.testing.pytest_plugin import base_config
from app.tickets.models import TicketCategory, WorkOrder
from app.tickets.register import register

PAGE = "/tickets/categories/complaint"


def _html(response) -> str:
    return response.get_data(as_text=True)


def _category(name: str) -> TicketCategory:
    return db.session.scalar(select(TicketCategory).where(TicketCategory.name == name))


def _add(client, name: str, parent: TicketCategory | None = None, weight: str = "100", page: str = PAGE):
    return submit(client, page, {"name": name, "parent_id": str(parent.id) if parent else "0", "weight": weight})


@pytest.fixture
def manager(make_user, client_for):
    return client_for(make_user("manager", username="zhao"))


def test_a_manager_builds_a_tree_that_agents_register_with(app, manager, make_user, client_for):
    assert _add(manager, "邮件问题").status_code == 302
    top = _category("邮件问题")
    _add(manager, "邮件延误", top, weight="20")
    _add(manager, "邮件破损", top, weight="10")
    page = _html(manager.get(PAGE))
    assert "邮件延误" in page and "邮件破损" in page

    form = _html(client_for(make_user("agent")).get("/tickets/new?type=complaint"))
    assert form.index("邮件问题 › 邮件破损") < form.index("邮件问题 › 邮件延误")  # by the order given

    created = db.session.scalars(select(AuditLog).where(AuditLog.object_type == "ticket_category",
                                                        AuditLog.action == "create")).all()
    assert len(created) == 3 and {row.actor for row in created} == {"zhao"}


def test_only_managers_and_administrators_look_after_categories(app, make_user, client_for, manager):
    assert client_for(make_user("agent")).get(PAGE).status_code == 403
    assert client_for(make_user("backoffice")).get(PAGE).status_code == 403
    assert client_for(make_user("admin")).get(PAGE).status_code == 200
    assert "工单分类" in _html(manager.get("/"))  # in the administration menu
    assert manager.get("/tickets/categories/no-such-type").status_code == 404


def test_bad_input_is_a_chinese_form_error_and_nothing_is_saved(app, manager):
    _add(manager, "邮件问题")
    duplicate = _add(manager, "邮件问题")
    assert duplicate.status_code == 200 and "这里已有分类“邮件问题”" in _html(duplicate)
    empty = _add(manager, "   ")
    assert empty.status_code == 200 and "必填" in _html(empty)
    too_far = _add(manager, "投递服务", weight="99999")
    assert too_far.status_code == 200 and "0 到 10000" in _html(too_far)
    assert db.session.scalars(select(TicketCategory)).all() == [_category("邮件问题")]

    top = _category("邮件问题")
    bad_weight = submit(manager, f"{PAGE}/{top.id}", {"name": "邮件质量", "weight": "前面"}, page=PAGE)
    html = _html(bad_weight)
    assert bad_weight.status_code == 200 and "排序必须是 0 到 10000 的整数" in html
    assert 'value="邮件质量"' in html  # what was typed stays
    db.session.expire_all()
    assert _category("邮件问题").weight == 100


def test_renaming_and_reordering_keeps_the_orders_and_is_audited(app, manager, make_user, client_for):
    _add(manager, "邮件问题")
    top = _category("邮件问题")
    _add(manager, "邮件迟到", top)
    child = _category("邮件迟到")
    order = register(make_user("agent"), type_code="complaint", subject="包裹晚到三天", category_id=child.id)
    db.session.commit()

    response = submit(manager, f"{PAGE}/{child.id}", {"name": "邮件延误", "weight": "5"}, page=PAGE)
    assert response.status_code == 302
    db.session.expire_all()
    assert (db.session.get(TicketCategory, child.id).name, db.session.get(TicketCategory, child.id).weight) == \
        ("邮件延误", 5)
    assert "邮件问题 › 邮件延误" in _html(manager.get(f"/tickets/{order.number}"))
    change = db.session.scalar(select(AuditLog).where(AuditLog.object_type == "ticket_category",
                                                      AuditLog.action == "update"))
    assert json.loads(change.before)["name"] == "邮件迟到" and json.loads(change.after)["name"] == "邮件延误"

    _add(manager, "邮件破损", top)
    clash = submit(manager, f"{PAGE}/{child.id}", {"name": "邮件破损", "weight": "5"}, page=PAGE)
    assert clash.status_code == 200 and "这里已有分类“邮件破损”" in _html(clash)


def test_a_category_is_switched_off_never_deleted(app, manager, make_user, client_for):
    _add(manager, "邮件问题")
    top = _category("邮件问题")
    _add(manager, "邮件延误", top)
    _add(manager, "邮件破损", top)
    used = _category("邮件延误")
    order = register(make_user("agent"), type_code="complaint", subject="迟到", category_id=used.id)
    db.session.commit()
    agent = client_for(make_user("agent"))

    assert submit(manager, f"{PAGE}/{used.id}/active", {"active": "0"}, page=PAGE).status_code == 302
    form = _html(agent.get("/tickets/new?type=complaint"))
    assert "邮件延误" not in form and "邮件问题 › 邮件破损" in form
    assert "邮件问题 › 邮件延误" in _html(agent.get(f"/tickets/{order.number}"))  # the order keeps it
    page = _html(manager.get(PAGE))
    assert "已停用" in page and "删除</button>" not in page

    submit(manager, f"{PAGE}/{top.id}/active", {"active": "0"}, page=PAGE)  # the top takes its children along
    assert "邮件破损" not in _html(agent.get("/tickets/new?type=complaint"))
    refused = submit(manager, f"{PAGE}/{used.id}/active", {"active": "1"}, page=PAGE)
    assert "请先启用上级分类“邮件问题”" in _html(manager.get(refused.headers["Location"]))

    submit(manager, f"{PAGE}/{top.id}/active", {"active": "1"}, page=PAGE)
    submit(manager, f"{PAGE}/{used.id}/active", {"active": "1"}, page=PAGE)
    assert "邮件问题 › 邮件延误" in _html(agent.get("/tickets/new?type=complaint"))
    assert db.session.scalar(select(WorkOrder)).category_id == used.id
    assert len(db.session.scalars(select(TicketCategory)).all()) == 3


def test_changes_need_the_csrf_token(app, manager):
    _add(manager, "邮件问题")
    top = _category("邮件问题")
    refused = manager.post(f"{PAGE}/{top.id}/active", data={"active": "0"})
    assert "请重新提交" in _html(manager.get(refused.headers["Location"]))
    manager.post(PAGE, data={"name": "x"})
    assert len(db.session.scalars(select(TicketCategory)).all()) == 1 and _category("邮件问题").active


class PickupPlugin:
    @hookimpl
    def postline_ticket_types(self) -> list[TicketType]:
        return [TicketType("catplug_pickup", "EMS pickup", categories=[("上门揽收", "预约揽收")])]


@pytest.fixture
def app_config(postline_database: str) -> dict[str, Any]:
    return base_config(postline_database, []) | {"PLUGIN_OBJECTS": {"catplug": PickupPlugin()}}


def test_a_plugin_types_categories_are_shown_and_keep_their_names(app, manager):
    page = _html(manager.get("/tickets/categories/catplug_pickup"))
    assert "预约揽收" in page and "上门揽收" in page and "插件声明" in page
    declared = _category("预约揽收")
    refused = submit(manager, f"/tickets/categories/catplug_pickup/{declared.id}",
                     {"name": "预约上门", "weight": "100"}, page="/tickets/categories/catplug_pickup")
    assert refused.status_code == 200 and "由该类型的插件声明" in _html(refused)
    assert submit(manager, f"/tickets/categories/catplug_pickup/{declared.id}", {"name": "预约揽收", "weight": "1"},
                  page="/tickets/categories/catplug_pickup").status_code == 302  # reordering is fine
    _add(manager, "大宗揽收", _category("上门揽收"), page="/tickets/categories/catplug_pickup")
    assert _category("大宗揽收").type_code == "catplug_pickup"
