"""The screen pop: Asterisk connects a queued caller to an agent and the agent's desk
learns who is calling and what the IVR learnt; the call is closed when it ends."""
from __future__ import annotations

import json

from sqlalchemy import select

from app.agents import states
from app.agents.models import MANUAL, ON_CALL, DeskCall
from app.calls.models import CallRecord
from app.cti import events, live
from app.customers.models import Customer
from app.extensions import db
from app.ivr.models import IVRLine
from app.testing import submit
from app.testing.pytest_plugin import TEST_PASSWORD
from app.tickets.register import register
from app.timeutil import utcnow

QUEUE = "postline-11185"


def connect(uniqueid: str, extension: str = "8001", caller: str = "13800000001", **extra: str) -> None:
    events.dispatch({"Event": "AgentConnect", "Queue": QUEUE, "Interface": f"PJSIP/{extension}",
                     "MemberName": f"PJSIP/{extension}", "HoldTime": "12", "RingTime": "3",
                     "Channel": "PJSIP/trunk-00000011", "Uniqueid": uniqueid,
                     "DestChannel": f"PJSIP/{extension}-00000012", "DestUniqueid": uniqueid + "1",
                     "CallerIDNum": caller, "CallerIDName": "", **extra})
    db.session.commit()


def complete(uniqueid: str, extension: str = "8001", talk: str = "95", hold: str = "12") -> None:
    events.dispatch({"Event": "AgentComplete", "Queue": QUEUE, "Interface": f"PJSIP/{extension}",
                     "MemberName": f"PJSIP/{extension}", "HoldTime": hold, "TalkTime": talk, "Reason": "caller",
                     "Uniqueid": uniqueid})
    db.session.commit()


def ivr_call(uniqueid: str, caller: str = "13800000001", data: dict | None = None, line: str = "11185") -> CallRecord:
    record = CallRecord(uniqueid=uniqueid, caller=caller, line=line, outcome="transferred",
                        path=json.dumps([{"step": "main", "node": "menu", "outcome": "2"},
                                         {"step": "to-agent", "node": "transfer", "outcome": ""}]),
                        data=json.dumps(data or {}, ensure_ascii=False))
    db.session.add(record)
    db.session.commit()
    return record


def log_in(app, user):
    client = app.test_client()
    response = submit(client, "/auth/login", {"username": user.username, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return client


def test_agent_connect_opens_the_call_records_on_call_and_pops_to_that_agent(make_agent):
    agent = make_agent("8001")
    other = make_agent("8002")
    record = ivr_call("1796154447.18")
    start = live.latest_id()
    connect("1796154447.18")
    call = db.session.scalar(select(DeskCall))
    assert (call.agent_id, call.call_id, call.caller, call.queue) == (agent.id, record.id, "13800000001", QUEUE)
    assert (call.channel, call.agent_channel) == ("PJSIP/trunk-00000011", "PJSIP/8001-00000012")
    assert call.answered_at is not None and call.ended_at is None
    status = states.status_of(agent.id)
    assert (status.state, status.desk_call_id, status.uniqueid) == (ON_CALL, call.id, "1796154447.18")
    pops = [e for e in live.since([live.agent_topic(agent.id)], start) if e.kind == "pop"]
    assert [live.payload_of(e) for e in pops] == [{"desk_call_id": call.id, "url": f"/desk/calls/{call.id}/pop"}]
    assert not [e for e in live.since([live.agent_topic(other.id)], start) if e.kind == "pop"]


def test_agent_complete_closes_the_call_with_asterisks_times(make_agent):
    make_agent("8001")
    connect("1796154447.19")
    complete("1796154447.19", talk="95", hold="12")
    call = db.session.scalar(select(DeskCall))
    assert (call.talk_s, call.hold_s) == (95, 12) and call.ended_at is not None


def test_events_for_members_postline_does_not_know_are_ignored(make_agent):
    make_agent("8001")
    connect("1796154447.20", extension="9999")
    complete("1796154447.20", extension="9999")
    assert db.session.scalar(select(DeskCall)) is None


def test_a_transfer_fills_the_prepared_call_and_links_the_previous_agent(make_agent):
    first, second = make_agent("8001"), make_agent("8002")
    connect("1796154447.21")
    before = db.session.scalar(select(DeskCall).where(DeskCall.agent_id == first.id))
    before.notes, before.ticket_type = "查询包裹 EA123456789CN，未妥投", "consultation"
    prepared = DeskCall(agent_id=second.id, uniqueid="1796154447.21", caller="13800000001",
                        transferred_from_id=before.id)
    db.session.add(prepared)
    complete("1796154447.21", talk="30")
    connect("1796154447.21", extension="8002")
    legs = list(db.session.scalars(select(DeskCall).order_by(DeskCall.id)))
    assert len(legs) == 2 and legs[1].id == prepared.id
    assert legs[1].answered_at is not None and legs[1].transferred_from_id == before.id


def test_a_transfer_without_a_prepared_call_still_links_the_previous_leg(make_agent):
    make_agent("8001")
    make_agent("8002")
    connect("1796154447.22")
    complete("1796154447.22")
    connect("1796154447.22", extension="8002")
    first, second = db.session.scalars(select(DeskCall).order_by(DeskCall.id))
    assert second.transferred_from_id == first.id


def test_the_pop_shows_the_customer_the_ivr_path_and_data_and_history(app, make_agent, make_user):
    agent = make_agent("8001")
    earlier = make_agent("8003", username="zhangsan")
    earlier.display_name = "张三"
    db.session.add(IVRLine(number="11185", name="中国邮政客服"))
    customer = Customer(name="王小明", phone="13800000001", vip=True)
    db.session.add(customer)
    db.session.commit()
    db.session.add(DeskCall(agent_id=earlier.id, direction=MANUAL, caller="13800000001", answered_at=utcnow()))
    order = register(None, type_code="complaint", subject="包裹延误投诉", customer_id=customer.id)
    db.session.commit()
    ivr_call("1796154447.23", data={"ems": {"tracking": "EA123456789CN"}, "account": "****5678"})
    connect("1796154447.23")
    call = db.session.scalar(select(DeskCall).where(DeskCall.agent_id == agent.id))
    assert call.customer_id == customer.id
    html = log_in(app, agent).get(f"/desk/calls/{call.id}/pop").get_data(as_text=True)
    for shown in ("13800000001", "王小明", "VIP", "11185", "中国邮政客服", "main", "to-agent",
                  "ems.tracking", "EA123456789CN", "****5678", "张三", order.number, "包裹延误投诉"):
        assert shown in html, shown
    assert "新来电" not in html


def test_an_unknown_number_pops_as_a_new_caller(app, make_agent):
    agent = make_agent("8001")
    connect("1796154447.24", caller="13911112222")
    call = db.session.scalar(select(DeskCall))
    html = log_in(app, agent).get(f"/desk/calls/{call.id}/pop").get_data(as_text=True)
    assert "新来电" in html and "13911112222" in html


def test_the_pop_never_shows_a_pin(app, make_agent):
    agent = make_agent("8001")
    ivr_call("1796154447.25", data={"housingfund": {"account": "********9012", "pin": "482915"},
                                    "PIN": "482915", "query_password": "771203", "note": "******"})
    connect("1796154447.25")
    call = db.session.scalar(select(DeskCall))
    html = log_in(app, agent).get(f"/desk/calls/{call.id}/pop").get_data(as_text=True)
    assert "********9012" in html
    for secret in ("482915", "771203", "housingfund.pin", "query_password", "<dt>note</dt>", "<dd>******</dd>"):
        assert secret not in html, secret


def test_the_transferred_call_shows_the_summary_so_far(app, make_agent):
    first, second = make_agent("8001", username="lisi"), make_agent("8002")
    first.display_name = "李四"
    connect("1796154447.26")
    before = db.session.scalar(select(DeskCall))
    before.notes, before.ticket_type = "客户要求改投地址", "complaint"
    complete("1796154447.26")
    connect("1796154447.26", extension="8002")
    call = db.session.scalar(select(DeskCall).where(DeskCall.agent_id == second.id))
    html = log_in(app, second).get(f"/desk/calls/{call.id}/pop").get_data(as_text=True)
    assert "李四" in html and "客户要求改投地址" in html and "转接自" in html and "投诉" in html
    assert first.id != second.id


def test_another_agent_cannot_read_the_pop_a_team_lead_can(app, make_agent, make_user):
    make_agent("8001")
    other = make_agent("8002")
    connect("1796154447.27")
    call = db.session.scalar(select(DeskCall))
    assert log_in(app, other).get(f"/desk/calls/{call.id}/pop").status_code == 404
    assert log_in(app, make_user("teamlead")).get(f"/desk/calls/{call.id}/pop").status_code == 200


def test_the_ivr_record_is_found_by_postline_call_id_when_the_uniqueid_differs(make_agent):
    make_agent("8001")
    record = ivr_call("1796150000.01")  # the IVR's channel; the queue saw a Local channel
    connect("1796154447.28", POSTLINE_CALL_ID=str(record.id))
    assert db.session.scalar(select(DeskCall)).call_id == record.id


def test_a_failing_plugin_costs_its_panels_never_the_pop(app, make_agent, monkeypatch):
    from app.agents import pop
    from app.pluginhost import PluginError

    def broken(*_args, **_kwargs):
        raise PluginError("plugin 'ems': hook postline_screen_pop failed: timeout")

    monkeypatch.setattr(pop, "collect", broken)
    agent = make_agent("8001")
    connect("1796154447.29", caller="13911113333")
    call = db.session.scalar(select(DeskCall))
    response = log_in(app, agent).get(f"/desk/calls/{call.id}/pop")
    assert response.status_code == 200 and "13911113333" in response.get_data(as_text=True)
