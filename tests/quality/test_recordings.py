"""The recordings index and the player: answered calls listed with filters kept in the URL,
a count and paging, "no recording" where the file is missing; the file streamed with HTTP
Range support so the browser's player can seek; never a path from the request."""
from __future__ import annotations

from datetime import datetime

import pytest

from app.calls.models import CallRecord
from app.extensions import db
from app.quality import recordings as recs

from .conftest import UNIQUEID


def _html(response) -> str:
    return response.get_data(as_text=True)


def test_the_file_is_found_by_the_callers_uniqueid_in_the_centres_day(app, record):
    path = record(UNIQUEID)
    assert recs.recording_file(UNIQUEID) == path
    # 01:00 in Shanghai on 2 December is still 1 December in UTC: the folder is the centre's day.
    assert recs.day_folder("1796144400.3") == "2026/12/02"
    assert recs.day_folder("pbx1-1796176847.18") == "2026/12/02"  # Asterisk's systemname prefix
    assert recs.recording_file("1796176847.99") is None


@pytest.mark.parametrize("bad", ["../../etc/passwd", "1796176847.18/../../x", "..", "", "abc", "1.2"])
def test_anything_but_a_uniqueid_is_never_looked_up(app, recordings, bad):
    assert recs.day_folder(bad) is None and recs.recording_file(bad) is None


def test_inspectors_list_answered_calls_with_recording_or_not(app, people, make_call, record, client_for):
    with_file = make_call(people["agent"], uniqueid=UNIQUEID, caller="13800138001")
    make_call(people["other"], caller="13900139002")
    make_call(people["agent"], answered_at=None)  # rang, never answered: not listed
    record(UNIQUEID)
    page = _html(client_for(people["inspector"]).get("/quality/recordings"))
    assert "共 2 通已接来电" in page
    assert page.count("data-call-id=") == 2
    row = page.split(f'data-call-id="{with_file.id}"')[1].split("</tr>")[0]
    assert "/quality/calls/" in row and "No recording" not in row and "无录音" not in row
    assert page.count("No recording") + page.count("无录音") == 1


def test_filters_stay_in_the_url_and_narrow_the_list(app, people, make_call, client_for):
    make_call(people["agent"], caller="13800138001", queue="postline-ems")
    make_call(people["other"], caller="13900139002", answered_at=datetime(2026, 11, 20, 3, 0))
    client = client_for(people["lead"])
    assert _html(client.get("/quality/recordings?caller=0138001")).count("data-call-id=") == 1
    assert _html(client.get("/quality/recordings?queue=postline-ems")).count("data-call-id=") == 1
    assert _html(client.get(f"/quality/recordings?agent={people['other'].id}")).count("data-call-id=") == 1
    page = _html(client.get("/quality/recordings?date_from=2026-12-02&date_to=2026-12-02"))
    assert page.count("data-call-id=") == 1
    assert 'value="2026-12-02"' in page


def test_pages_of_fifty_keep_the_filters(app, people, make_call, client_for, monkeypatch):
    monkeypatch.setattr(recs, "PAGE_SIZE", 2)
    for _ in range(5):
        make_call(people["agent"], queue="postline-ems")
    client = client_for(people["inspector"])
    first = _html(client.get("/quality/recordings?queue=postline-ems"))
    assert first.count("data-call-id=") == 2 and "queue=postline-ems" in first and "page=2" in first
    assert _html(client.get("/quality/recordings?queue=postline-ems&page=3")).count("data-call-id=") == 1


@pytest.mark.parametrize("query", ["date_from=2026-13-45", "agent=abc", "caller=<script>", "page=x",
                                   "date_to=" + "9" * 100, "agent=" + "9" * 30])
def test_bad_filters_are_a_message_not_a_500(app, people, make_call, client_for, query):
    make_call(people["agent"])
    response = client_for(people["inspector"]).get(f"/quality/recordings?{query}")
    assert response.status_code == 200


def test_the_player_seeks_with_range_requests(app, people, make_call, record, client_for):
    data = bytes(range(256)) * 40
    call = make_call(people["agent"], uniqueid=UNIQUEID)
    record(UNIQUEID, data)
    client = client_for(people["inspector"])
    page = _html(client.get(f"/quality/calls/{call.id}"))
    assert f'<audio controls preload="metadata" src="/quality/calls/{call.id}/audio"' in page
    whole = client.get(f"/quality/calls/{call.id}/audio")
    assert whole.status_code == 200 and whole.data == data and whole.mimetype == "audio/wav"
    assert whole.headers["Accept-Ranges"] == "bytes"
    part = client.get(f"/quality/calls/{call.id}/audio", headers={"Range": "bytes=1000-1099"})
    assert part.status_code == 206
    assert part.data == data[1000:1100]
    assert part.headers["Content-Range"] == f"bytes 1000-1099/{len(data)}"
    tail = client.get(f"/quality/calls/{call.id}/audio", headers={"Range": "bytes=-10"})
    assert tail.status_code == 206 and tail.data == data[-10:]
    beyond = client.get(f"/quality/calls/{call.id}/audio", headers={"Range": f"bytes={len(data) + 5}-"})
    assert beyond.status_code == 416


def test_a_call_without_its_file_says_so_and_streams_nothing(app, people, make_call, recordings, client_for):
    call = make_call(people["agent"])
    client = client_for(people["inspector"])
    page = _html(client.get(f"/quality/calls/{call.id}"))
    assert "<audio" not in page and ("No recording" in page or "无录音" in page)
    assert client.get(f"/quality/calls/{call.id}/audio").status_code == 404


def test_a_desk_call_without_uniqueid_uses_its_ivr_call_record(app, people, make_call, record, client_for):
    ivr = CallRecord(uniqueid=UNIQUEID, caller="13800138001")
    db.session.add(ivr)
    db.session.commit()
    call = make_call(people["agent"], uniqueid="", call_id=ivr.id)
    record(UNIQUEID, b"RIFFdata")
    assert client_for(people["lead"]).get(f"/quality/calls/{call.id}/audio").data == b"RIFFdata"


def test_a_uniqueid_that_would_leave_the_folder_is_refused(app, people, make_call, recordings, client_for):
    (recordings.parent / "secret.wav").write_bytes(b"secret")
    call = make_call(people["agent"], uniqueid="../secret")
    assert client_for(people["inspector"]).get(f"/quality/calls/{call.id}/audio").status_code == 404


def test_agents_cannot_open_the_index_nor_anyones_recording(app, people, make_call, record, client_for):
    call = make_call(people["agent"], uniqueid=UNIQUEID)
    record(UNIQUEID)
    agent = client_for(people["agent"])
    assert agent.get("/quality/recordings").status_code == 403
    assert agent.get(f"/quality/calls/{call.id}").status_code == 403
    assert agent.get(f"/quality/calls/{call.id}/audio").status_code == 403
    assert client_for(people["inspector"]).get("/quality/calls/999999/audio").status_code == 404
