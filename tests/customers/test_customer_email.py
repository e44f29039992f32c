"""A customer's e-mail address: kept on the record (a work order's result can go there),
checked when typed."""
from __future__ import annotations

from sqlalchemy import select

from app.customers.models import Customer
from app.extensions import db
from app.testing import submit
from app.testing.pytest_plugin import TEST_PASSWORD


def test_an_agent_keeps_the_customers_email(app, make_user):
    client = app.test_client()
    user = make_user("agent")
    submit(client, "/auth/login", {"username": user.username, "password": TEST_PASSWORD})
    bad = submit(client, "/customers/new", {"name": "赵女士", "kind": "person", "email": "zhao@"})
    assert bad.status_code == 200 and "不是有效的电子邮件地址" in bad.get_data(as_text=True)
    assert db.session.scalar(select(Customer)) is None

    saved = submit(client, "/customers/new", {"name": "赵女士", "kind": "person", "email": " zhao@example.com "})
    assert saved.status_code == 302
    customer = db.session.scalar(select(Customer))
    assert customer.email == "zhao@example.com"
    assert "zhao@example.com" in client.get(f"/customers/{customer.id}").get_data(as_text=True)
