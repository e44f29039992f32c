"""The administrators' page on the AMI link: the link's state and the recent outbox."""
from __future__ import annotations

from datetime import timedelta

from app.cti import actions
from app.cti.models import FAILED, CtiLink
from app.extensions import db
from app.timeutil import utcnow


def test_only_administrators_see_the_link_page(login):
    assert login("manager").get("/cti/status").status_code == 403


def test_the_page_shows_the_link_and_the_recent_actions_in_chinese(login):
    db.session.add(CtiLink(name="ami", state="down", host="10.0.0.5:5038", failures=3,
                           detail="Login refused as 'postline': Authentication failed; retrying in 4 s",
                           since=utcnow() - timedelta(minutes=2), last_event_at=utcnow()))
    pause = actions.send("QueuePause", actor="agent-8001", Interface="PJSIP/8001", Paused="true")
    pause.state, pause.error = FAILED, "Asterisk is not connected"
    actions.send("Originate", actor="teamlead-1", Channel="PJSIP/8002")
    db.session.commit()
    client = login("admin")
    html = client.get("/cti/status").get_data(as_text=True)
    assert "Asterisk 连接" in html and "已断开" in html
    assert "10.0.0.5:5038" in html and "Authentication failed" in html
    assert '<dt>连续失败次数</dt><dd>3</dd>' in html
    assert html.index("Originate") < html.index("QueuePause")  # newest first
    assert "agent-8001" in html and "Asterisk is not connected" in html and "等待发送" in html
    assert 'href="/cti/status"' in client.get("/").get_data(as_text=True)  # in the admin menu


def test_before_any_worker_reported_the_page_says_so(login, app):
    app.config["AMI_HOST"] = "10.0.0.5"
    html = login("admin").get("/cti/status").get_data(as_text=True)
    assert "还没有 worker 报告与 10.0.0.5 的连接状态" in html
    assert "尚未向 Asterisk 发送任何操作。" in html
