"""The customers room as agents and team leads use it: create and edit a customer with
several phones and an address whose postcode fills itself in, find them by phone, name,
account or address, note what happened, and merge a record entered twice."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.audit.models import AuditLog
from app.calls.callers import profile
from app.calls.models import CallRecord
from app.customers.models import Customer, CustomerNote, CustomerPhone
from app.extensions import db
from app.testing import submit
from app.testing.pytest_plugin import TEST_PASSWORD

NEW = {"name": "赵磊", "kind": "person", "phones": "138 0000 0008\n0596-7361234", "account": "6217000011112222",
       "id_number": "", "tags": "集邮，常客", "province": "福建", "city": "漳州", "county": "华安",
       "detail": "华丰镇1号", "postcode": ""}


def _html(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def client_as(app, make_user):
    """``client_as("agent")`` → a new test client, logged in as a new user with that role."""

    def log_in(*roles: str):
        client = app.test_client()
        user = make_user(*roles)
        assert submit(client, "/auth/login", {"username": user.username, "password": TEST_PASSWORD}).status_code == 302
        return client

    return log_in


def _create(client, **changes) -> Customer:
    response = submit(client, "/customers/new", NEW | changes, page="/customers/new")
    assert response.status_code == 302, _html(response)
    return db.session.scalar(select(Customer).order_by(Customer.id.desc()))


def test_an_agent_creates_a_customer_with_phones_tags_and_a_postcode_found_for_the_address(app, client_as):
    customer = _create(client_as("agent"))
    assert [p.digits for p in customer.phones] == ["13800000008", "05967361234"]
    assert customer.tag_list == ["集邮", "常客"] and customer.account == "6217000011112222"
    address = customer.addresses[0]
    assert (address.province, address.county, address.postcode) == ("福建", "华安", "363800")
    # The number a call comes from finds the customer, in any of the trunk's forms.
    assert profile("+86 596 7361234").customer_id == customer.id
    assert profile("013800000008").customer_id == customer.id
    trail = db.session.scalars(select(AuditLog).where(AuditLog.object_type == "customer_phone")).all()
    assert len(trail) == 2 and all(entry.action == "create" for entry in trail)


def test_bad_input_is_a_form_error_in_chinese(app, client_as):
    client = client_as("agent")
    response = submit(client, "/customers/new", NEW | {"phones": "abc", "postcode": "12"},
                      page="/customers/new")
    html = _html(response)
    assert response.status_code == 200 and "不是电话号码：abc" in html and "邮政编码是六位数字" in html
    assert db.session.scalar(select(Customer)) is None


def test_an_edit_replaces_phones_and_a_stale_form_is_refused(app, client_as):
    client = client_as("agent")
    customer = _create(client)
    phone_row = customer.phones[0].id
    form = NEW | {"phones": "13800000008\n13900000009", "row_version": "1", "vip": "y"}
    assert submit(client, f"/customers/{customer.id}/edit", form).status_code == 302
    db.session.expire_all()
    assert [p.number for p in customer.phones] == ["13800000008", "13900000009"] and customer.vip
    assert customer.phones[0].id == phone_row  # the number that stayed kept its row
    assert profile("0596-7361234").customer_id is None  # the dropped number no longer finds them
    stale = submit(client, f"/customers/{customer.id}/edit", form | {"name": "改名"})
    assert stale.status_code == 200 and "未保存" in _html(stale)
    db.session.expire_all()
    assert customer.name == "赵磊" and customer.row_version == 2


def test_search_by_phone_name_account_address_and_tag(app, client_as):
    client = client_as("agent")
    customer = _create(client)
    other = _create(client, name="王芳", phones="13800000002", account="", tags="", detail="南京东路",
                    province="上海", city="上海", county="黄浦")
    for query in ("q=13800000008", "q=%2B8613800000008&by=phone", "q=7361234", "q=赵&by=name",
                  "q=6217000011112222&by=account", "q=华丰镇&by=address", "q=集邮&by=tag"):
        html = _html(client.get(f"/customers/?{query}"))
        assert f"/customers/{customer.id}\"" in html and f"/customers/{other.id}\"" not in html, query
    assert "没有找到客户" in _html(client.get("/customers/?q=集邮&by=name"))
    assert client.get("/customers/?q=x&by=nonsense&page=abc").status_code == 200


def test_a_broad_search_is_paged_newest_first(client_as):
    client = client_as("agent")
    db.session.add_all([Customer(name=f"李{n:03d}", phone=f"1390000{n:04d}") for n in range(53)])
    db.session.add(Customer(name="王五", phone="13700000000"))
    db.session.commit()
    first = _html(client.get("/customers/?q=李&by=name"))
    assert first.count('">李0') == 50
    assert "李052" in first and "李002" not in first and "下一页" in first and "上一页" not in first
    second = _html(client.get("/customers/?q=李&by=name&page=2"))
    assert "李002" in second and "李000" in second and "李052" not in second
    assert "下一页" not in second and "上一页" in second
    assert "没有找到客户" in _html(client.get("/customers/?q=李&by=name&page=9"))


def test_notes_keep_author_and_time_and_the_timeline_shows_calls_newest_first(app, client_as):
    client = client_as("agent")
    customer = _create(client)
    db.session.add_all([CallRecord(caller="+8613800000008", line="11185", outcome="transferred", agent="li",
                                   started_at=customer.created_at.replace(year=2020)),
                        CallRecord(caller="13999999999", line="11185")])
    db.session.commit()
    assert submit(client, f"/customers/{customer.id}/notes", {"text": "投诉包裹破损"},
                  page=f"/customers/{customer.id}").status_code == 302
    note = db.session.scalar(select(CustomerNote))
    assert note.author.startswith("agent") and note.text == "投诉包裹破损"
    html = _html(client.get(f"/customers/{customer.id}"))
    assert "投诉包裹破损" in html and "+8613800000008" in html and "13999999999" not in html
    assert html.index("投诉包裹破损") < html.index("+8613800000008")  # newest first


def test_a_team_lead_merges_a_duplicate_and_its_phones_find_the_survivor(app, client_as):
    agent = client_as("agent")
    first = _create(agent, phones="13800000008")
    second = _create(agent, name="赵磊（重复）", phones="13800000008\n13700000007", tags="投诉", vip="y",
                     detail="另一条路")
    submit(agent, f"/customers/{second.id}/notes", {"text": "旧记录的备注"}, page=f"/customers/{second.id}")
    assert submit(agent, f"/customers/{first.id}/merge", {"duplicate": second.id},
                  page=f"/customers/{first.id}").status_code in (302, 403)
    assert second.merged_into_id is None  # agents may not merge

    lead = client_as("teamlead")
    response = submit(lead, f"/customers/{first.id}/merge", {"duplicate": second.id}, page=f"/customers/{first.id}")
    assert response.status_code == 302
    db.session.expire_all()
    assert second.merged_into_id == first.id
    assert sorted(p.digits for p in first.phones) == ["13700000007", "13800000008"]
    assert first.vip and "投诉" in first.tag_list and len(first.addresses) == 2
    assert any(n.text == "旧记录的备注" for n in first.notes)
    assert profile("13700000007").customer_id == first.id and profile("13700000007").vip
    # The merged record stays, says where it went, and is still found by its old number.
    html = _html(lead.get(f"/customers/{second.id}"))
    assert f"/customers/{first.id}\"" in html
    assert f"/customers/{second.id}\"" in _html(lead.get("/customers/?q=13800000008"))
    moved = db.session.scalars(select(AuditLog).where(AuditLog.object_type == "customer_phone",
                                                      AuditLog.action == "update")).all()
    assert moved  # the move is in the audit trail
    for nonsense in ("99999999999", "abc", str(first.id)):  # a form error, never a 500
        assert submit(lead, f"/customers/{first.id}/merge", {"duplicate": nonsense},
                      page=f"/customers/{first.id}").status_code == 302
    again = submit(lead, f"/customers/{first.id}/merge", {"duplicate": second.id}, page=f"/customers/{first.id}")
    assert again.status_code == 302 and db.session.get(Customer, second.id).merged_into_id == first.id


def test_a_customer_needs_the_permission_to_be_changed(app, client_as):
    qa = client_as("qa")
    assert qa.get("/customers/").status_code == 200
    assert qa.get("/customers/new").status_code == 403
    assert db.session.scalar(select(CustomerPhone)) is None
