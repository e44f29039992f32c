"""The incident switch: a team lead turns an announcement on for a line and off again,
without editing its flow. Callers hear it after the welcome (or first, when the flow does
not start with one), while it is on and only then; their calls carry it, on the call
record, the agent's screen pop and the work orders they lead to."""
from __future__ import annotations

import shutil
from datetime import datetime, timedelta, timezone

import pytest
from flask import current_app
from sqlalchemy import select

from app.agents.models import DeskCall
from app.calls.models import CallRecord
from app.extensions import db
from app.ivr import flows
from app.ivr.flows import defaults as default_flows
from app.ivr.models import IVRIncident, IVRLine
from app.ivr.prompts.build import INSTALL_HINT, TOOLS
from app.ivr.prompts.catalog import sound_file, sounds_dir
from app.ivr.simulator import simulate
from app.testing import submit
from app.tickets.register import register
from app.timeutil import utcnow


@pytest.fixture
def app_config(app_config, tmp_path):
    return app_config | {"SOUNDS_DIR": str(tmp_path / "sounds")}


@pytest.fixture
def lines(app):
    default_flows.load()
    for line in db.session.scalars(select(IVRLine)):
        line.calendar.hours = "{}"   # open around the clock: the test's hour does not matter
    db.session.commit()
    return {line.number: line for line in db.session.scalars(select(IVRLine))}


@pytest.fixture
def voice():
    missing = [tool for tool in TOOLS if not shutil.which(tool)]
    if missing:
        pytest.skip(f"{' and '.join(missing)} not installed ({INSTALL_HINT})")


def turn_on(line: IVRLine | None, title: str = "台风影响投递", *, starts_ago: int = 1,
            ends_in: int | None = None) -> IVRIncident:
    now = utcnow()
    incident = IVRIncident(line_id=line.id if line else None, title=title, text=f"{title}，邮件投递将延迟。",
                           starts_at=now - timedelta(minutes=starts_ago),
                           ends_at=now + timedelta(minutes=ends_in) if ends_in is not None else None)
    db.session.add(incident)
    db.session.commit()
    return incident


def call(number: str = "11185", inputs=("4",), at: datetime | None = None, **options):
    return simulate(current_app._get_current_object(), number, list(inputs), dry_run=False,
                    now=at or datetime.now(timezone.utc), **options)


def last_record() -> CallRecord:
    db.session.expire_all()
    return db.session.scalars(select(CallRecord).order_by(CallRecord.id.desc())).first()


# --- what callers hear ----------------------------------------------------------------------

def test_callers_hear_the_announcement_after_the_welcome_and_their_calls_carry_it(lines):
    incident = turn_on(lines["11185"])
    transcript = call()
    assert transcript.heard[:2] == ["welcome-11185", incident.prompt]
    assert transcript.heard.count(incident.prompt) == 1
    assert transcript.variables["POSTLINE_QUEUE"] == "complaint"   # the flow goes on as before
    assert last_record().incident_id == incident.id


def test_an_announcement_for_one_line_is_not_heard_on_another(lines):
    turn_on(lines["11185"])
    transcript = call("12329", inputs=("2",))
    assert not [h for h in transcript.heard if h.startswith("incident-")]
    assert last_record().incident_id is None


def test_an_announcement_for_every_line_is_heard_on_each_and_the_lines_own_wins(lines):
    everywhere = turn_on(None, "网络故障")
    assert call("12329", inputs=("2",)).heard[1] == everywhere.prompt
    own = turn_on(lines["11185"], "台风")
    assert call().heard[1] == own.prompt
    assert last_record().incident_id == own.id


def test_it_stops_when_turned_off_or_at_its_end(lines):
    incident = turn_on(lines["11185"], ends_in=30)
    assert incident.prompt in call().heard
    assert incident.prompt not in call(at=datetime.now(timezone.utc) + timedelta(minutes=31)).heard
    incident.ended_at = utcnow()
    db.session.commit()
    assert incident.prompt not in call().heard
    assert last_record().incident_id is None


def test_an_announcement_not_started_yet_is_not_heard(lines):
    incident = turn_on(lines["11185"], starts_ago=-10)
    assert incident.prompt not in call().heard


def test_without_a_welcome_it_plays_first(lines):
    flows.save_version("11185", {"start": "menu", "steps": [
        {"id": "menu", "type": "core.menu", "params": {"prompt": "menu-11185"}, "next": {"1": "bye"}},
        {"id": "bye", "type": "core.hangup"}]})
    incident = turn_on(lines["11185"])
    assert call(inputs=("1",)).heard[:2] == [incident.prompt, "menu-11185"]


def test_a_caller_who_hangs_up_during_it_leaves_a_closed_tagged_record(lines):
    incident = turn_on(lines["11185"])
    call(inputs=(None,), hangup_after=2)
    record = last_record()
    assert record.incident_id == incident.id and record.ended_at is not None and record.outcome


def test_over_agi_the_caller_hears_it(lines, agi_server):
    incident = turn_on(lines["11185"])
    server = agi_server(app=current_app._get_current_object())
    transcript = server.call("ivr?line=11185", keys=["4"])
    assert transcript.ok, transcript.failures
    assert transcript.heard[:2] == ["welcome-11185", incident.prompt]
    assert last_record().incident_id == incident.id


# --- where agents see it ----------------------------------------------------------------

def test_the_screen_pop_and_the_work_order_show_the_incident(lines, make_user, client_for):
    incident = turn_on(lines["11185"], "台风‘摩羯’")
    call()
    record = last_record()
    agent = make_user("agent")
    desk = DeskCall(agent_id=agent.id, call_id=record.id, uniqueid="1796154447.9", queue="ems",
                    caller=record.caller, offered_at=utcnow(), answered_at=utcnow())
    db.session.add(desk)
    order = register(agent, type_code="complaint", subject="投递延误", call_id=record.id)
    db.session.commit()
    client = client_for(agent)
    pop = client.get(f"/desk/calls/{desk.id}/pop").get_data(as_text=True)
    assert "突发事件" in pop and "台风‘摩羯’" in pop
    page = client_for(make_user("teamlead")).get(f"/tickets/{order.number}").get_data(as_text=True)
    assert f'data-incident="{incident.id}"' in page and "台风‘摩羯’" in page


# --- the team lead's page -----------------------------------------------------------------

def test_a_team_lead_turns_it_on_and_off_on_the_page(lines, voice, make_user, client_for):
    client = client_for(make_user("teamlead"))
    page = client.get("/ivr/incidents").get_data(as_text=True)
    assert "突发公告" in page and "所有线路" in page
    line = lines["11185"]
    response = submit(client, "/ivr/incidents", {"line": str(line.id), "title": "台风影响投递",
                                                 "text": "受台风影响，福州地区邮件投递将延迟一至两天。"})
    assert response.status_code == 302
    incident = db.session.scalar(select(IVRIncident))
    assert (incident.line_id, incident.ended_at) == (line.id, None) and incident.created_by.startswith("teamlead")
    sound = sound_file(sounds_dir(), incident.prompt)
    assert sound.is_file() and sound.stat().st_size > 1000
    assert incident.prompt in call().heard
    response = submit(client, f"/ivr/incidents/{incident.id}/end", {}, page="/ivr/incidents")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(IVRIncident, incident.id).ended_at is not None
    assert incident.prompt not in call().heard


def test_bad_input_is_refused_with_a_chinese_message_and_nothing_is_on(lines, make_user, client_for):
    client = client_for(make_user("teamlead"))
    html = submit(client, "/ivr/incidents", {"line": "", "title": "", "text": "停电"}).get_data(as_text=True)
    assert "必填" in html or "不能为空" in html
    past = (datetime.now() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    html = submit(client, "/ivr/incidents", {"line": "", "title": "停电", "text": "停电",
                                             "ends_at": past}).get_data(as_text=True)
    assert "结束时间必须晚于现在" in html
    assert db.session.scalar(select(IVRIncident)) is None


def test_without_the_speech_tools_nothing_is_turned_on(lines, make_user, client_for, monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    client = client_for(make_user("teamlead"))
    html = submit(client, "/ivr/incidents", {"line": "", "title": "停电", "text": "停电"}).get_data(as_text=True)
    assert "espeak-ng" in html and "未开启" in html
    assert db.session.scalar(select(IVRIncident)) is None


@pytest.mark.parametrize("role", ["agent", "qa", "backoffice"])
def test_only_team_leads_and_managers_may_use_the_switch(lines, make_user, client_for, role):
    client = client_for(make_user(role))
    assert client.get("/ivr/incidents").status_code == 403
    incident = turn_on(None)
    assert submit(client, f"/ivr/incidents/{incident.id}/end", {}, page="/").status_code == 403
    db.session.expire_all()
    assert db.session.get(IVRIncident, incident.id).ended_at is None
