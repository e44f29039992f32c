"""Transfers from the call's page: the AMI actions Asterisk is asked for (blind Redirect,
attended Atxfer, three-way ConfBridge), the notes so far that go with the call, the next
agent's desk call and his screen pop; refused targets with a sentence for the agent."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from app.agents import states, transfers
from app.agents.models import PAUSED, READY, DeskCall
from app.audit.models import AuditLog
from app.cti import live
from app.cti.models import FAILED, CtiAction
from app.extensions import db
from app.testing import csrf_token_from
from tests.agents.desk_call_kit import answered_call, client_for

TRANSFER_ACTIONS = ("Setvar", "Redirect", "Atxfer", "Originate")


def _sent() -> list[tuple[str, dict]]:
    rows = db.session.scalars(select(CtiAction).where(CtiAction.action.in_(TRANSFER_ACTIONS)).order_by(CtiAction.id))
    return [(row.action, json.loads(row.fields)) for row in rows]


def _transfer(client, call, target, kind="blind", **data):
    page = client.get(f"/desk/calls/{call.id}").get_data(as_text=True)
    form = {"what": "", "resolved": "yes", "notes": "", "row_version": str(call.row_version),
            "target": target, "kind": kind, "csrf_token": csrf_token_from(page)}
    form.update(data)
    return client.post(f"/desk/calls/{call.id}/transfer", data=form)


@pytest.fixture
def two_agents(make_agent):
    """Agent 8001 on a call, agent 8002 ready, both in postline-11185; 8002 also in ems."""
    first = make_agent("8001")
    second = make_agent("8002", queues={"postline-11185": 0, "postline-ems": 1})
    states.record(second.id, READY)
    db.session.commit()
    return first, second


def test_a_blind_transfer_to_a_queue_redirects_the_caller_with_the_call_it_comes_from(app, two_agents):
    first, _second = two_agents
    call = answered_call(first)
    response = _transfer(client_for(app, first), call, "queue:postline-ems", notes="客户要查快递")
    assert response.status_code == 302
    assert _sent() == [
        ("Setvar", {"Channel": "PJSIP/trunk-0000001a", "Variable": "POSTLINE_TRANSFER_FROM", "Value": str(call.id)}),
        ("Redirect", {"Channel": "PJSIP/trunk-0000001a", "Context": "postline-transfer", "Exten": "qpostline-ems",
                      "Priority": "1"})]
    db.session.expire_all()
    saved = db.session.get(DeskCall, call.id)
    assert (saved.transfer_kind, saved.notes, saved.summarised_at) == ("blind", "客户要查快递", None)
    # The agent who answers in the queue is not known yet: his AgentConnect links him.
    assert db.session.scalar(select(db.func.count()).select_from(DeskCall)) == 1


def test_a_blind_transfer_to_an_agent_creates_his_desk_call_and_pops_it(app, two_agents):
    first, second = two_agents
    call = answered_call(first, call_id=None, customer_id=None)
    start = live.latest_id()
    response = _transfer(client_for(app, first), call, f"agent:{second.id}", what="consult", notes="问资费")
    assert response.status_code == 302
    assert _sent() == [
        ("Setvar", {"Channel": "PJSIP/trunk-0000001a", "Variable": "POSTLINE_TRANSFER_FROM", "Value": str(call.id)}),
        ("Setvar", {"Channel": "PJSIP/trunk-0000001a", "Variable": "POSTLINE_TRANSFER_TO", "Value": "PJSIP/8002"}),
        ("Redirect", {"Channel": "PJSIP/trunk-0000001a", "Context": "postline-transfer", "Exten": "a8002",
                      "Priority": "1"})]
    following = db.session.scalar(select(DeskCall).where(DeskCall.agent_id == second.id))
    assert (following.transferred_from_id, following.uniqueid, following.caller, following.answered_at) == (
        call.id, call.uniqueid, "13800138000", None)
    pops = [(e.topic, e.kind, live.payload_of(e)) for e in live.since([live.agent_topic(second.id)], start)
            if e.kind == "pop"]
    assert pops == [(live.agent_topic(second.id), "pop",
                     {"desk_call_id": following.id, "url": f"/desk/calls/{following.id}/pop"})]
    # The type chosen so far counts as the first agent's summary.
    db.session.expire_all()
    assert db.session.get(DeskCall, call.id).ticket_type == "consult"
    assert db.session.get(DeskCall, call.id).summarised_at is not None
    trail = db.session.scalars(select(AuditLog.action).where(AuditLog.object_type == "DeskCall")).all()
    assert set(trail) == {"summarise", "transfer"}


def test_the_next_agent_sees_the_previous_notes_and_starts_from_their_kind(app, two_agents):
    first, second = two_agents
    call = answered_call(first)
    _transfer(client_for(app, first), call, f"agent:{second.id}", what="consult", notes="客户要改地址")
    following = db.session.scalar(select(DeskCall).where(DeskCall.agent_id == second.id))
    following.answered_at = call.answered_at  # his AgentConnect
    db.session.commit()
    html = client_for(app, second).get(f"/desk/calls/{following.id}").get_data(as_text=True)
    assert "客户要改地址" in html and "由 测试 转来" in html
    assert '<option selected value="consult">' in html


def test_an_attended_transfer_consults_from_the_agents_channel(app, two_agents):
    first, second = two_agents
    call = answered_call(first)
    assert _transfer(client_for(app, first), call, f"agent:{second.id}", kind="attended").status_code == 302
    assert _sent() == [
        ("Setvar", {"Channel": "PJSIP/8001-0000001b", "Variable": "__POSTLINE_TRANSFER_FROM", "Value": str(call.id)}),
        ("Setvar", {"Channel": "PJSIP/8001-0000001b", "Variable": "__POSTLINE_TRANSFER_TO", "Value": "PJSIP/8002"}),
        ("Atxfer", {"Channel": "PJSIP/8001-0000001b", "Exten": "a8002", "Context": "postline-consult"})]
    db.session.expire_all()
    assert db.session.get(DeskCall, call.id).transfer_kind == "attended"
    assert db.session.scalar(select(DeskCall).where(DeskCall.agent_id == second.id)).transferred_from_id == call.id


def test_an_attended_transfer_to_a_queue(app, two_agents):
    first, _second = two_agents
    call = answered_call(first)
    assert _transfer(client_for(app, first), call, "queue:postline-ems", kind="attended").status_code == 302
    assert _sent()[-1] == ("Atxfer", {"Channel": "PJSIP/8001-0000001b", "Exten": "qpostline-ems",
                                      "Context": "postline-consult"})


def test_a_three_way_call_moves_both_channels_into_one_conference_and_rings_the_third(app, two_agents):
    first, second = two_agents
    call = answered_call(first)
    assert _transfer(client_for(app, first), call, f"agent:{second.id}", kind="conference").status_code == 302
    assert _sent() == [
        ("Redirect", {"Channel": "PJSIP/trunk-0000001a", "Context": "postline-conference", "Exten": f"c{call.id}",
                      "Priority": "1", "ExtraChannel": "PJSIP/8001-0000001b", "ExtraContext": "postline-conference",
                      "ExtraExten": f"m{call.id}", "ExtraPriority": "1"}),
        ("Originate", {"Channel": "PJSIP/8002", "Context": "postline-conference", "Exten": f"m{call.id}",
                       "Priority": "1", "Timeout": "30000", "CallerID": '"13800138000" <13800138000>',
                       "Variable": f"POSTLINE_TRANSFER_FROM={call.id}", "Async": "true"})]
    db.session.expire_all()
    assert db.session.get(DeskCall, call.id).transfer_kind == "conference"


@pytest.mark.parametrize("target, kind, sentence", [
    ("agent:{second}", "blind", "现在不是就绪状态"),
    ("queue:postline-nosuch", "blind", "没有技能组队列“postline-nosuch”"),
    ("agent:{first}", "blind", "请选择另一位坐席"),
    ("", "blind", "请选择要转接到的坐席或队列"),
    ("queue:postline-ems", "conference", "三方通话需要选择一位坐席"),
])
def test_refused_targets_say_why_and_nothing_is_sent(app, two_agents, pause_reasons, target, kind, sentence):
    first, second = two_agents
    states.record(second.id, PAUSED, "meal")
    db.session.commit()
    call = answered_call(first)
    response = _transfer(client_for(app, first), call, target.format(first=first.id, second=second.id),
                         kind=kind, notes="不能丢的笔记")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert sentence in html and "不能丢的笔记" in html
    assert _sent() == []
    db.session.expire_all()
    assert db.session.get(DeskCall, call.id).transfer_kind == ""


def test_only_ready_agents_can_be_chosen_on_the_page(app, two_agents, make_agent):
    first, second = two_agents
    away = make_agent("8003")  # logged off
    call = answered_call(first)
    html = client_for(app, first).get(f"/desk/calls/{call.id}").get_data(as_text=True)
    assert f'<option value="agent:{second.id}">' in html
    assert f'<option disabled value="agent:{away.id}">' in html
    assert "未签入" in html and '<option value="queue:postline-ems">' in html


def test_an_ended_call_or_one_without_channels_cannot_be_transferred(app, two_agents):
    first, second = two_agents
    ended = answered_call(first, ended_at=db.func.now())
    no_channel = answered_call(first, minutes_ago=2, agent_channel="")
    client = client_for(app, first)
    assert "只有正在进行的通话才能转接" in _transfer(client, ended, f"agent:{second.id}").get_data(as_text=True)
    html = _transfer(client, no_channel, f"agent:{second.id}", kind="attended").get_data(as_text=True)
    assert "没有告知您话机的通道" in html
    assert _sent() == []


def test_a_failed_transfer_shows_on_the_call_page(app, two_agents):
    first, _second = two_agents
    call = answered_call(first)
    client = client_for(app, first)
    _transfer(client, call, "queue:postline-ems")
    redirect = db.session.scalar(select(CtiAction).where(CtiAction.action == "Redirect"))
    redirect.state, redirect.error = FAILED, "Channel does not exist"
    db.session.commit()
    html = client.get(f"/desk/calls/{call.id}").get_data(as_text=True)
    assert "Channel does not exist" in html and "失败" in html
    # Refused by Asterisk, the transfer may be asked again.
    assert _transfer(client, call, "queue:postline-ems").status_code == 302


def test_a_blind_transfer_is_not_asked_twice(app, two_agents):
    first, _second = two_agents
    call = answered_call(first)
    client = client_for(app, first)
    assert _transfer(client, call, "queue:postline-ems").status_code == 302
    db.session.expire_all()
    response = _transfer(client, db.session.get(DeskCall, call.id), "queue:postline-ems")
    assert response.status_code == 400 and "正在转接" in response.get_data(as_text=True)
    assert [action for action, _fields in _sent()] == ["Setvar", "Redirect"]


def test_known_queues_are_the_active_agents_skill_groups(two_agents):
    assert transfers.known_queues() == ["postline-11185", "postline-ems"]


def test_a_transfer_from_a_stale_page_is_refused_and_sends_nothing(app, two_agents):
    first, second = two_agents
    call = answered_call(first)
    client = client_for(app, first)
    response = _transfer(client, call, f"agent:{second.id}", notes="旧页面", row_version="0")
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and "未保存" in html
    assert _sent() == []
    assert db.session.scalar(select(DeskCall).where(DeskCall.agent_id == second.id)) is None
