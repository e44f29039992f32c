"""The wallboard: per queue, the callers waiting and the longest wait now, the agents by
state now, today's service level and 接通率 from the stored queue_log, each coloured
against the queue's targets; its page, its server-sent events, and who may see them."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest

from app.agents import states
from app.agents.models import READY
from app.cti import wakeup
from app.extensions import db
from app.stats.wallboard import snapshot
from tests.sse import event_frames
from tests.stats.board_data import COMPLAINT, MAIN, morning, store_day, today


@pytest.fixture(autouse=True)
def stop_hubs(app):
    yield
    wakeup.stop(app)


def _queue(snap: dict, name: str) -> dict:
    return next(row for row in snap["queues"] if row["queue"] == name)


def test_snapshot_figures_match_the_queue_log_and_live_states(app, make_user):
    morning(make_user)
    snap = snapshot()
    main, complaint = _queue(snap, MAIN), _queue(snap, COMPLAINT)
    assert (main["received"], main["answered"]) == (4, 3)
    assert main["answer_rate"] == pytest.approx(0.75)
    assert main["service_level"] == pytest.approx(2 / 3)      # 5 s and 10 s within 20 s, 40 s not
    assert main["waiting"] == 2 and main["longest_s"] >= 90
    # ringing counts as on a call; the agent in both queues counts in both
    assert main["agents"] == {"ready": 1, "on_call": 2, "acw": 1, "paused": 1, "logged_off": 0}
    assert complaint["agents"] == {"ready": 0, "on_call": 1, "acw": 0, "paused": 0, "logged_off": 1}
    assert (complaint["waiting"], complaint["service_level"], complaint["answer_rate"]) == (0, 1.0, 1.0)
    # the centre: rates from the summed counts (4 of 5 answered), each agent once
    whole = snap["total"]
    assert (whole["received"], whole["answered"], whole["waiting"]) == (5, 4, 2)
    assert whole["answer_rate"] == pytest.approx(0.8)
    assert sum(whole["agents"].values()) == 6


def test_colours_follow_each_queues_targets(app, make_user):
    morning(make_user)
    main = _queue(snapshot(), MAIN)
    # defaults: SL 80 % (66.7 % is more than 10 points short: red), 接通率 90 % (75 %: red),
    # 3 waiting (2: green), longest wait 60 s (90 s: amber, under twice the target)
    assert main["colours"] == {"waiting": "green", "longest": "amber", "service_level": "red",
                               "answer_rate": "red"}
    app.config.update(WALLBOARD_SERVICE_LEVEL_TARGET_BY_QUEUE=f"{COMPLAINT}=95, {MAIN}=60",
                      WALLBOARD_ANSWER_RATE_TARGET=80, WALLBOARD_WAITING_TARGET_BY_QUEUE=f"{MAIN}=1",
                      WALLBOARD_LONGEST_WAIT_TARGET=30)
    main = _queue(snapshot(), MAIN)
    assert main["targets"]["service_level"] == 60
    assert main["colours"] == {"waiting": "amber", "longest": "red", "service_level": "green",
                               "answer_rate": "amber"}


def test_only_the_centres_today_counts(app, make_user):
    store_day(today() - timedelta(days=1), prefix="y")    # yesterday's calls are not today's
    store_day(today())
    main = _queue(snapshot(), MAIN)
    assert (main["received"], main["answered"]) == (4, 3)


def test_page_shows_the_figures_to_a_team_lead(app, make_user, login):
    morning(make_user)
    page = login("teamlead").get("/stats/wallboard").get_data(as_text=True)
    card = page.split(f'data-board-queue="{MAIN}"', 1)[1].split("</section>", 1)[0]
    assert '<span class="figure" data-field="waiting">2</span>' in card
    assert '<span class="figure" data-field="answer_rate">75.0%</span>' in card
    assert 'class="tile c-red" data-colour="service_level"' in card
    assert 'data-agents="on_call">2<' in card
    assert "今日接通率" in page and "大屏监控" in page
    assert "<script>" not in page     # CSP: scripts only from static files


def test_stream_sends_a_snapshot_at_once(app, make_user, login):
    morning(make_user)
    client = login("manager")
    response = client.get("/stats/wallboard/stream")
    try:
        assert response.status_code == 200
        assert response.mimetype == "text/event-stream"
        frame = _first_frame(response)
    finally:
        response.close()
    assert frame["event"] == "snapshot"
    main = _queue(json.loads(frame["data"]), MAIN)
    assert (main["waiting"], main["received"], main["answered"]) == (2, 4, 3)


def _first_frame(response) -> dict[str, str]:
    """The first snapshot: the generator yields it before it waits, so this never blocks long."""
    for fields in event_frames(response):
        return fields
    raise AssertionError("the stream ended without a snapshot")


@pytest.mark.parametrize("url", ["/stats/wallboard", "/stats/wallboard/stream"])
def test_agents_may_not_see_the_wallboard(login, url):
    assert login("agent").get(url).status_code == 403


def test_stream_sends_a_new_snapshot_when_an_agent_changes_state(app, make_user, login):
    """The refresh (60 s) is longer than the stream's life (20 s): a second snapshot can
    only come from the agent's state change waking the stream."""
    ids = morning(make_user)
    app.config.update(WALLBOARD_REFRESH_SECONDS=60, LIVE_STREAM_MAX_SECONDS=20, LIVE_POLL_SECONDS=0.05)
    hub = wakeup.hub_for(app)
    assert hub.listener.connected.wait(10)     # its first connect wakes every stream: before ours
    response = login("manager").get("/stats/wallboard/stream")
    try:
        frames = iter(event_frames(response))
        assert _queue(json.loads(next(frames)["data"]), MAIN)["agents"]["ready"] == 1
        states.record(ids["eating"], READY)
        db.session.commit()
        second = json.loads(next(frames)["data"])
    finally:
        response.close()
    assert _queue(second, MAIN)["agents"]["ready"] == 2
    assert _queue(second, MAIN)["agents"]["paused"] == 0
