"""Who is calling: the customer behind a number in any form the trunk delivers it, and the
agent who served them last."""
from __future__ import annotations

from datetime import datetime

import pytest

from app.calls.callers import last_agent, number_forms, profile
from app.calls.models import CallRecord
from app.customers.models import Customer
from app.extensions import db


@pytest.mark.parametrize("received, stored", [
    ("13800000002", "+8613800000002"), ("+8613800000002", "13800000002"),
    ("013800000002", "13800000002"), ("008613800000002", "13800000002"),
    ("1065000000", "01065000000"), ("+861065000000", "01065000000"),
])
def test_a_caller_is_recognised_in_any_form_of_their_number(app, received, stored):
    assert stored in number_forms(received)
    db.session.add(Customer(name="王芳", phone=stored, vip=True))
    db.session.add(CallRecord(caller=stored, agent="agent-li", outcome="transferred"))
    db.session.commit()
    assert profile(received).vip and last_agent(received) == "agent-li"
    assert not profile("65000000").vip and last_agent("") == ""


def test_several_customers_on_one_number_vip_or_blacklisted_if_any_is(app):
    db.session.add_all([Customer(name="张家", phone="01065000001"),
                        Customer(name="张家老二", phone="01065000001", vip=True),
                        Customer(name="黑名单", phone="13900000000", blacklisted=True)])
    db.session.commit()
    family = profile("+861065000001")
    assert family.vip and not family.blacklisted and family.customer_id is not None
    assert profile("13900000000").blacklisted
    assert profile("") == profile("unknown digits")


def test_the_last_agent_is_the_newest_call_that_reached_one(app):
    db.session.add_all([
        CallRecord(caller="13800000009", agent="agent-old", started_at=datetime(2026, 11, 1, 2)),
        CallRecord(caller="13800000009", agent="agent-new", started_at=datetime(2026, 11, 2, 2)),
        CallRecord(caller="13800000009", agent="", started_at=datetime(2026, 11, 3, 2)),
    ])
    db.session.commit()
    assert last_agent("13800000009") == "agent-new"
    newest = db.session.scalar(db.select(CallRecord).where(CallRecord.agent == "agent-new"))
    assert last_agent("13800000009", exclude_call=newest.id) == "agent-old"
