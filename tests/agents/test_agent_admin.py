"""The administrator's pages for agents and pause reasons: validation in Chinese, unique
interfaces and codes, skill groups saved, every change audited, pause reasons switched off
instead of deleted."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.agents.models import AgentProfile, AgentSkill, PauseReason
from app.audit.models import AuditLog
from app.extensions import db
from app.testing import submit

AGENTS, REASONS = "/desk/admin/agents", "/desk/admin/pause-reasons"


def _agent_form(user_id: int, **fields: str) -> dict:
    return {"user_id": str(user_id), "interface": "PJSIP/8001", "member_name": "", "extension": "8001",
            "skill_lines": "postline-11185 0\npostline-ems 2", "active": "y", **fields}


def test_an_admin_adds_an_agent_with_skill_groups_and_it_is_audited(login, make_user):
    client = login("admin")
    user = make_user("agent", username="wang")
    response = submit(client, AGENTS, _agent_form(user.id))
    assert response.status_code == 302
    profile = db.session.get(AgentProfile, user.id)
    assert (profile.interface, profile.extension, profile.active) == ("PJSIP/8001", "8001", True)
    assert {(s.queue, s.penalty) for s in profile.skills} == {("postline-11185", 0), ("postline-ems", 2)}
    audited = set(db.session.scalars(select(AuditLog.object_type).where(AuditLog.action == "create")))
    assert {"agent_profile", "agent_skill"} <= audited
    page = client.get(AGENTS).get_data(as_text=True)
    assert "PJSIP/8001" in page and "postline-ems · 2" in page


def test_editing_skills_adds_changes_and_removes_them(login, make_agent):
    client = login("teamlead")
    agent = make_agent("8002", queues={"postline-11185": 0, "postline-ems": 1})
    url = f"{AGENTS}/{agent.id}"
    page = client.get(url).get_data(as_text=True)
    assert "postline-ems 1" in page
    response = submit(client, url, _agent_form(agent.id, interface="Local/8002@agent-phone/n",
                                                skill_lines="postline-11185 3\npostline-complaint"))
    assert response.status_code == 302
    db.session.expire_all()
    skills = db.session.scalars(select(AgentSkill).where(AgentSkill.user_id == agent.id)).all()
    assert {(s.queue, s.penalty) for s in skills} == {("postline-11185", 3), ("postline-complaint", 0)}
    assert db.session.get(AgentProfile, agent.id).interface == "Local/8002@agent-phone/n"
    assert db.session.scalar(select(AuditLog).where(AuditLog.object_type == "agent_skill",
                                                    AuditLog.action == "delete")) is not None


@pytest.mark.parametrize("fields, message", [
    ({"interface": "8001"}, "接口格式应为 PJSIP/8001"),
    ({"interface": "PJSIP/8001; rm"}, "接口格式应为 PJSIP/8001"),
    ({"interface": "PJSIP/8009"}, "已被"),  # taken by another agent
    ({"member_name": "Agent 8009", "interface": "PJSIP/8010"}, "已被"),
    ({"extension": "80a1"}, "分机号只能是数字"),
    ({"skill_lines": "postline-11185 zero"}, "第 1 行"),
    ({"skill_lines": "postline-11185 0\npostline-11185 1"}, "第 2 行:队列 postline-11185 重复"),
])
def test_bad_agent_fields_are_form_errors_in_chinese(login, make_user, make_agent, fields, message):
    client = login("admin")
    other = make_agent("8009")
    db.session.get(AgentProfile, other.id).member_name = "Agent 8009"
    db.session.commit()
    user = make_user("agent")
    response = submit(client, AGENTS, _agent_form(user.id, **fields))
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db.session.get(AgentProfile, user.id) is None


def test_agents_and_back_office_may_not_manage_agents(login):
    assert login("agent").get(AGENTS).status_code == 403


def test_pause_reasons_are_added_edited_and_switched_off_never_deleted(login):
    client = login("admin")
    response = submit(client, REASONS, {"code": "meal", "name": "用餐", "limit_minutes": "30", "weight": "10",
                                        "active": "y"})
    assert response.status_code == 302
    reason = db.session.scalar(select(PauseReason).where(PauseReason.code == "meal"))
    assert (reason.name, reason.limit_minutes, reason.counts_as_work) == ("用餐", 30, False)
    url = f"{REASONS}/{reason.id}"
    response = submit(client, url, {"code": "lunch", "name": "午餐", "limit_minutes": "", "counts_as_work": "y",
                                    "weight": "10"})
    assert response.status_code == 302
    db.session.expire_all()
    reason = db.session.get(PauseReason, reason.id)
    assert (reason.code, reason.name, reason.limit_minutes, reason.counts_as_work, reason.active) == (
        "meal", "午餐", None, True, False)
    assert db.session.scalar(select(AuditLog).where(AuditLog.object_type == "agent_pause_reason",
                                                    AuditLog.action == "update")) is not None
    page = client.get(REASONS).get_data(as_text=True)
    assert "午餐" in page and "已停用" in page


@pytest.mark.parametrize("fields, message", [
    ({"code": "meal"}, "代码 meal 已被使用"),
    ({"code": "吃饭"}, "代码只能包含拉丁字母"),
    ({"limit_minutes": "0"}, "时限"),
    ({"name": ""}, "必填"),
])
def test_bad_pause_reasons_are_form_errors_in_chinese(login, pause_reasons, fields, message):
    client = login("admin")
    response = submit(client, REASONS, {"code": "break", "name": "休息", "limit_minutes": "15", "weight": "10",
                                        **fields})
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(PauseReason).where(PauseReason.code == "break")) is None


def test_the_demo_gives_the_demo_agents_phones_and_the_centres_pause_reasons(app):
    from app.agents import demo
    from app.auth import demo as staff

    staff.load()
    assert demo.load() == {"pause reasons": 5, "agents": 2}
    assert demo.load() == {"pause reasons": 0, "agents": 0}
    codes = set(db.session.scalars(select(PauseReason.code)))
    assert codes == {"ACW", "meal", "break", "training", "meeting"}
    interfaces = set(db.session.scalars(select(AgentProfile.interface)))
    assert interfaces == {"PJSIP/8001", "PJSIP/8002"}
