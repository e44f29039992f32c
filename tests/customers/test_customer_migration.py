"""The customers migration keeps every customer's phone, address and note: they move into
the new tables (and back on a downgrade), and the calling number still finds the customer."""
from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import inspect, text

from app import create_app
from app.calls.callers import profile
from app.customers.models import Customer
from app.extensions import db
from app.pluginhost.migrations import alembic_config, upgrade_core
from app.testing.pytest_plugin import _backends, base_config

BEFORE_CUSTOMERS = "c4d8e1f2a3b6"


@pytest.mark.parametrize("backend", _backends())
def test_phones_addresses_and_notes_move_into_their_tables_and_back(backend, postline_databases):
    app = create_app(base_config(postline_databases.new(backend), []))
    with app.app_context():
        upgrade_core(BEFORE_CUSTOMERS)
        with db.engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO customer (name, kind, phone, address, postcode, vip, blacklisted, note, created_at) "
                "VALUES ('王芳', 'person', '+86 138-0000-0002', '上海市黄浦区南京东路100号', '200001', :yes, :no, "
                "'老客户', '2026-01-02 03:04:05'), "
                "('无电话', 'company', '', '', '', :no, :yes, '', '2026-01-02 03:04:05')"),
                {"yes": True, "no": False})

        upgrade_core()
        wang = db.session.scalar(db.select(Customer).where(Customer.name == "王芳"))
        assert [(p.number, p.digits) for p in wang.phones] == [("+86 138-0000-0002", "13800000002")]
        assert [(a.detail, a.postcode) for a in wang.addresses] == [("上海市黄浦区南京东路100号", "200001")]
        assert [n.text for n in wang.notes] == ["老客户"]
        assert profile("013800000002").vip and profile("13800000002").customer_id == wang.id
        nobody = db.session.scalar(db.select(Customer).where(Customer.name == "无电话"))
        assert nobody.phones == [] and nobody.addresses == [] and nobody.blacklisted
        db.session.remove()

        with db.engine.begin() as connection:
            command.downgrade(alembic_config(None, connection), BEFORE_CUSTOMERS)
        with db.engine.connect() as connection:
            row = connection.execute(text(
                "SELECT phone, address, postcode, note FROM customer WHERE name = '王芳'")).one()
            assert tuple(row) == ("+86 138-0000-0002", "上海市黄浦区南京东路100号", "200001", "老客户")
        assert "customer_phone" not in inspect(db.engine).get_table_names()
        db.engine.dispose()
