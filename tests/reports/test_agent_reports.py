"""受理员工作量统计 and the agent call detail, with queue_log names shown as PostLine users."""
from __future__ import annotations

from app.agents.models import AgentProfile
from app.cti.queue_log import store_lines
from app.extensions import db

T0 = 1796090400   # 2026-12-01 10:00 in Shanghai
LINES = [
    f"{T0}|a1|q-post|NONE|ENTERQUEUE||13800138001|1",
    f"{T0 + 2}|a1|q-post|Agent 8002|RINGNOANSWER|15000",
    f"{T0 + 20}|a1|q-post|Agent 8001|CONNECT|20|a1.1|2",
    f"{T0 + 140}|a1|q-post|Agent 8001|COMPLETEAGENT|20|120|1",
    f"{T0 + 300}|a2|q-post|NONE|ENTERQUEUE||13800138002|1",
    f"{T0 + 310}|a2|q-post|Agent 8001|CONNECT|10|a2.1|2",
    f"{T0 + 370}|a2|q-post|Agent 8001|COMPLETECALLER|10|60|1",
]


def test_workload_per_agent(app, make_user, build_report):
    user = make_user("agent", username="wangfang")
    user.display_name = "王芳"
    db.session.add(AgentProfile(user_id=user.id, interface="PJSIP/8001", member_name="Agent 8001"))
    db.session.commit()
    store_lines(LINES, "test")
    rows = {row[0]: row for row in build_report("agent-workload").rows}
    assert rows["王芳"][1:4] == ("Agent 8001", 2, 0)
    assert rows["王芳"][5] == 90                          # average talk (120 + 60) / 2
    assert rows["Agent 8002"][2:4] == (0, 1)               # unknown to PostLine: shown by name; one missed offer
    assert rows["合计"][2:4] == (2, 1)


def test_call_detail_has_one_row_per_answered_call(app, build_report):
    store_lines(LINES, "test")
    rows = build_report("agent-calls").rows
    assert [(row[2], row[3], row[4], row[6]) for row in rows[1:]] == [
        ("Agent 8001", "13800138001", 20, 120), ("Agent 8001", "13800138002", 10, 60)]
