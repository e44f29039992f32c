"""The IVR's web pages: flows (Chinese tree, editor refusing invalid definitions, versions),
the dry-run simulator, and the voice mailbox with permission-protected playback."""
from __future__ import annotations

import copy
import json
import re
import wave
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.calls.models import CallRecord
from app.extensions import db
from app.ivr import flows
from app.ivr.flows import defaults as default_flows
from app.ivr.models import IVRFlow, IVRFlowVersion, Voicemail
from app.testing import submit


@pytest.fixture
def postline_plugins():
    """The core's own behaviour with the first business line only: the default flows and
    demo data then do not depend on which other lines are shipped."""
    return ["postcode"]


@pytest.fixture
def app_config(app_config, tmp_path):
    return app_config | {"IVR_RECORDINGS_DIR": str(tmp_path / "recordings"),
                         "TIMEZONE": "Asia/Shanghai"}


@pytest.fixture
def loaded(app):
    default_flows.load()
    return app


def _versions(name: str) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(IVRFlowVersion)
                             .join(IVRFlow, IVRFlow.id == IVRFlowVersion.flow_id)
                             .where(IVRFlow.name == name))


def _definition(name: str) -> dict:
    db.session.expire_all()
    flow = db.session.scalar(select(IVRFlow).where(IVRFlow.name == name))
    version = db.session.scalar(select(IVRFlowVersion).where(
        IVRFlowVersion.flow_id == flow.id, IVRFlowVersion.number == flow.active_version))
    return json.loads(version.definition)


def _step(definition: dict, sid: str) -> dict:
    return next(s for s in definition["steps"] if s["id"] == sid)


# --- flows ---------------------------------------------------------------------------------

def test_flow_list_and_tree_render_in_chinese(loaded, login):
    client = login("teamlead")
    page = client.get("/ivr/flows").get_data(as_text=True)
    assert "呼叫流程" in page or "流程" in page
    assert "11185" in page and "12329" in page and "住房公积金服务热线" in page
    assert 'href="/ivr/flows/12329"' in page

    tree = client.get("/ivr/flows/12329").get_data(as_text=True)
    # node titles translated, prompts with their Mandarin text, key → step transitions
    assert "菜单" in tree and "转人工" in tree
    from app.ivr.prompts import catalog
    assert catalog()["menu-12329"].text in tree
    assert '<kbd>2</kbd> → <a href="#step-loan"><code>loan</code></a>' in tree
    assert "版本" in tree
    # the nav shows the pages to a team lead
    assert 'data-nav="ivr.flows"' in page and 'data-nav="ivr.simulator"' in page


def test_invalid_definition_shows_the_problem_and_saves_nothing(loaded, login):
    client = login("teamlead")
    before = _versions("12329")
    bad = _definition("12329")
    _step(bad, "menu")["next"]["5"] = "nowhere"
    response = submit(client, "/ivr/flows/12329/edit",
                      {"definition": json.dumps(bad), "note": "broken", "activate": "y"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'role="alert"' in html
    assert "步骤 menu" in html and "“nowhere”" in html and "不存在" in html
    assert _versions("12329") == before

    response = submit(client, "/ivr/flows/12329/edit", {"definition": "{not json", "activate": "y"})
    assert "JSON" in response.get_data(as_text=True) and 'role="alert"' in response.get_data(as_text=True)
    assert _versions("12329") == before


def test_valid_definition_becomes_the_version_the_simulator_runs(loaded, login):
    client = login("teamlead")
    before = _versions("12329")
    good = _definition("12329")
    _step(good, "loan")["params"]["queue"] = "loan-desk-2"
    response = submit(client, "/ivr/flows/12329/edit",
                      {"definition": json.dumps(good), "note": "new loan queue", "activate": "y"})
    assert response.status_code == 302, response.get_data(as_text=True)
    assert _versions("12329") == before + 1
    flow = db.session.scalar(select(IVRFlow).where(IVRFlow.name == "12329"))
    assert flow.active_version == before + 1
    assert flows.active_flow("12329").steps["loan"].params["queue"] == "loan-desk-2"

    detail = client.get("/ivr/flows/12329").get_data(as_text=True)
    assert "new loan queue" in detail and "loan-desk-2" in detail

    # a Tuesday morning, Beijing time: open; key 2 is the loan queue of the new version
    result = submit(client, "/ivr/simulator", {"line": "12329", "inputs": "2", "caller": "13900000002",
                                                 "when": "2026-03-03T10:00"})
    html = result.get_data(as_text=True)
    assert "POSTLINE_QUEUE" in html and "loan-desk-2" in html

    # rolling back to version 1 changes the next simulated call
    response = submit(client, f"/ivr/flows/12329/versions/{before}/activate", {},
                      page="/ivr/flows/12329")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(IVRFlow.active_version).where(IVRFlow.name == "12329")) == before
    html = submit(client, "/ivr/simulator", {"line": "12329", "inputs": "2",
                                              "when": "2026-03-03T10:00"}).get_data(as_text=True)
    assert "loan-desk-2" not in html and "12329-loan" in html


def test_simulator_shows_what_the_caller_hears_and_writes_nothing(loaded, login, tmp_path):
    from app.ivr.prompts import catalog

    client = login("teamlead")
    prompts = catalog()
    html = submit(client, "/ivr/simulator", {"line": "12329", "inputs": "3 _ h",
                                              "when": "2026-03-03T10:00"}).get_data(as_text=True)
    for name in ("welcome-12329", "menu-12329", "policy-12329"):
        assert name in html and prompts[name].text in html
    assert "<code>policy</code>" in html          # steps entered
    assert html.index("welcome-12329") < html.index("policy-12329")

    # Sunday is closed on 12329: the caller reaches the voice mailbox (dry run: nothing stored)
    html = submit(client, "/ivr/simulator", {"line": "12329", "inputs": "h",
                                              "when": "2026-03-08T10:00"}).get_data(as_text=True)
    assert "closed-intro-12329" in html and prompts["closed-intro-12329"].text in html
    assert "hours-to" in html  # the hours, said from the line's calendar
    assert "留言" in html and str(tmp_path) not in html  # the recording, not the server's file path
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(CallRecord)) == 0
    assert db.session.scalar(select(func.count()).select_from(Voicemail)) == 0


def test_simulator_runs_a_draft_and_reports_its_problems(loaded, login):
    client = login("teamlead")
    draft = {"steps": [{"id": "hello", "type": "core.play", "params": {"prompt": "goodbye"},
                        "next": {"done": "bye"}}, {"id": "bye", "type": "core.hangup"}]}
    html = submit(client, "/ivr/simulator", {"line": "", "definition": json.dumps(draft)}).get_data(as_text=True)
    assert "<code>hello</code>" in html and "<code>bye</code>" in html
    broken = copy.deepcopy(draft)
    broken["steps"][0]["next"]["done"] = "missing"
    html = submit(client, "/ivr/simulator", {"definition": json.dumps(broken)}).get_data(as_text=True)
    assert "步骤 hello" in html and "“missing”" in html
    # the flow page opens the simulator with a stored version's definition
    page = client.get("/ivr/simulator?flow=12329&version=1").get_data(as_text=True)
    assert "menu-12329" in page


def test_agent_cannot_open_the_flow_pages(loaded, login):
    client = login("agent")
    assert client.get("/ivr/flows/12329/edit").status_code == 403
    assert submit(client, "/ivr/flows/12329/edit", {"definition": "{}"}, page="/ivr/voicemail").status_code == 403
    assert client.get("/ivr/flows").status_code == 403
    assert client.get("/ivr/simulator").status_code == 403
    assert submit(client, "/ivr/flows/12329/versions/1/activate", {}, page="/ivr/voicemail").status_code == 403
    db.session.expire_all()
    assert _versions("12329") == 1
    assert client.get("/ivr/voicemail").status_code == 200


def _editor_form(client, name: str) -> dict:
    """The editor's fields as the page filled them in (definition, title, hidden version)."""
    html = client.get(f"/ivr/flows/{name}/edit").get_data(as_text=True)
    based_on = re.search(r'name="based_on" type="hidden" value="(\d+)"', html).group(1)
    return {"definition": json.dumps(_definition(name)), "based_on": based_on,
            "title": db.session.scalar(select(IVRFlow.title).where(IVRFlow.name == name)), "activate": "y"}


def test_saving_an_unchanged_flow_says_nothing_changed_and_adds_no_version(loaded, login):
    client = login("teamlead")
    before = _versions("12329")
    response = submit(client, "/ivr/flows/12329/edit", _editor_form(client, "12329"))
    assert response.status_code == 200
    assert "没有改动" in response.get_data(as_text=True)
    assert _versions("12329") == before


def test_a_stale_editor_is_refused_naming_who_saved_since(loaded, login):
    client = login("teamlead")
    opened = _editor_form(client, "12329")  # then a colleague saves a version
    theirs = _definition("12329")
    _step(theirs, "loan")["params"]["queue"] = "loan-desk-2"
    flows.save_version("12329", theirs, author="wangfang")
    mine = json.loads(opened["definition"])
    _step(mine, "loan")["params"]["queue"] = "loan-desk-3"
    response = submit(client, "/ivr/flows/12329/edit", opened | {"definition": json.dumps(mine)})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "wangfang" in html and "未保存" in html
    assert flows.active_flow("12329").steps["loan"].params["queue"] == "loan-desk-2"


def test_new_flow_is_created_with_a_name(loaded, login):
    client = login("teamlead")
    draft = {"steps": [{"id": "bye", "type": "core.hangup"}]}
    response = submit(client, "/ivr/flows/new", {"name": "night", "title": "夜间", "definition": json.dumps(draft)})
    assert response.status_code == 302
    assert _versions("night") == 1
    response = submit(client, "/ivr/flows/new", {"name": "night", "definition": json.dumps(draft)})
    assert response.status_code == 200 and _versions("night") == 1


# --- voice messages ---------------------------------------------------------------------------

def _wav(path: Path, seconds: float = 0.5) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as audio:
        audio.setnchannels(1)
        audio.setsampwidth(2)
        audio.setframerate(8000)
        audio.writeframes(b"\x01\x00" * int(8000 * seconds))
    return path.read_bytes()


def test_voicemail_list_playback_and_handled(app, login, tmp_path):
    data = _wav(tmp_path / "recordings" / "voicemail" / "m1.wav")
    old = Voicemail(line="11185", caller="13911112222", at=datetime(2026, 3, 2, 23, 5), duration_s=3,
                    path="voicemail/m1.wav")
    new = Voicemail(line="12329", caller="13933334444", at=datetime(2026, 3, 3, 1, 30), duration_s=7,
                    path="voicemail/missing.wav")
    db.session.add_all([old, new])
    db.session.commit()
    ids = old.id, new.id

    client = login("agent")
    html = client.get("/ivr/voicemail").get_data(as_text=True)
    assert "留言" in html
    # local time (Asia/Shanghai), newest first
    assert "2026-03-03 07:05:00" in html and "2026-03-03 09:30:00" in html
    assert html.index("13933334444") < html.index("13911112222")
    assert f'<audio controls preload="none" src="/ivr/voicemail/{ids[0]}/audio">' in html

    audio = client.get(f"/ivr/voicemail/{ids[0]}/audio")
    assert audio.status_code == 200 and audio.mimetype == "audio/wav"
    assert audio.data == data
    assert client.get(f"/ivr/voicemail/{ids[1]}/audio").status_code == 404   # file missing
    assert client.get("/ivr/voicemail/999999/audio").status_code == 404

    response = submit(client, f"/ivr/voicemail/{ids[0]}/handled", {}, page="/ivr/voicemail")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Voicemail, ids[0]).status == "handled"
    assert "已标记为已处理" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert "13911112222" not in client.get("/ivr/voicemail?new=1").get_data(as_text=True)


def test_voicemail_audio_refuses_paths_outside_the_recordings_folder(app, login, tmp_path):
    _wav(tmp_path / "secret.wav")
    _wav(tmp_path / "recordings" / "ok.wav")
    rows = [Voicemail(caller="1", path="../secret.wav"), Voicemail(caller="2", path=str(tmp_path / "secret.wav")),
            Voicemail(caller="3", path="ok.wav")]
    db.session.add_all(rows)
    db.session.commit()
    client = login("agent")
    assert client.get(f"/ivr/voicemail/{rows[0].id}/audio").status_code == 404
    assert client.get(f"/ivr/voicemail/{rows[1].id}/audio").status_code == 404
    assert client.get(f"/ivr/voicemail/{rows[2].id}/audio").status_code == 200


def test_voicemail_needs_its_permission(app, login):
    client = login("backoffice")
    assert client.get("/ivr/voicemail").status_code == 403
    assert client.get("/ivr/voicemail/1/audio").status_code == 403


def test_voicemail_list_is_paginated(app, login):
    db.session.add_all([Voicemail(caller=f"1390000{i:04d}", path=f"v{i}.wav", at=datetime(2026, 1, 1, 0, i))
                        for i in range(35)])
    db.session.commit()
    client = login("teamlead")
    first = client.get("/ivr/voicemail").get_data(as_text=True)
    second = client.get("/ivr/voicemail?page=2").get_data(as_text=True)
    assert "13900000034" in first and "13900000000" not in first
    assert "13900000000" in second and "13900000034" not in second
