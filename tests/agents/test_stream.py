"""The desk's live stream (``GET /desk/stream``): events as server-sent events, resumed
after ``Last-Event-ID``, only the topics a user may read, and events published by another
web process (another app on the same database) woken by PostgreSQL LISTEN/NOTIFY, Redis
pub/sub or polling, without a database connection held while a stream waits."""
from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import redis

from app import create_app
from app.cti import live, wakeup
from app.extensions import db
from app.testing import submit
from app.testing.pytest_plugin import TEST_PASSWORD, RequestIsolatedClient, base_config
from tests.sse import event_frames

REDIS_URL = "redis://127.0.0.1:6379/0"
FAST = {"LIVE_HEARTBEAT_SECONDS": 0.2, "LIVE_POLL_SECONDS": 0.05, "LIVE_STREAM_MAX_SECONDS": 3.0}
#: A heartbeat longer than the test: an event that arrives was woken, not found by chance.
NO_HEARTBEAT = {"LIVE_HEARTBEAT_SECONDS": 30.0, "LIVE_POLL_SECONDS": 0.05, "LIVE_STREAM_MAX_SECONDS": 8.0}
BOUND = 10.0


@pytest.fixture
def app_config(postline_database: str, postline_plugins: list[str]) -> dict[str, Any]:
    return base_config(postline_database, postline_plugins) | FAST


@pytest.fixture
def other_app(postline_database, postline_plugins) -> Iterator[Any]:
    """``other_app(**config)``: a second web process's app on the same database."""
    made = []

    def make(**config: Any):
        application = create_app(base_config(postline_database, postline_plugins) | config)
        application.test_client_class = RequestIsolatedClient
        made.append(application)
        return application

    yield make
    for application in made:
        wakeup.stop(application)
        with application.app_context():
            db.engine.dispose()


@pytest.fixture(autouse=True)
def stop_hubs(app):
    yield
    wakeup.stop(app)


def log_in(application, user):
    client = application.test_client()
    response = submit(client, "/auth/login", {"username": user.username, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return client


def frames(response, wanted: int, kinds: tuple[str, ...] = ("state", "pop", "queue", "callback")) -> list[dict]:
    """The first ``wanted`` event frames of a streamed response (comments skipped); fewer
    when the stream ends first (``LIVE_STREAM_MAX_SECONDS`` bounds it)."""
    found: list[dict] = []
    try:
        for fields in event_frames(response):
            if fields["event"] in kinds:
                found.append({"id": int(fields["id"]), "event": fields["event"], "data": json.loads(fields["data"])})
                if len(found) >= wanted:
                    break
    finally:
        response.close()
    return found


def publish_in(application, topic: str, kind: str, payload: dict) -> int:
    with application.app_context():
        event = live.publish(topic, kind, payload)
        db.session.commit()
        return event.id


def test_a_stream_sends_new_events_of_its_topics_as_sse(app, make_agent):
    agent = make_agent("8001")
    client = log_in(app, agent)
    response = client.get("/desk/stream", buffered=False)
    assert response.status_code == 200
    assert response.mimetype == "text/event-stream" and response.headers["Cache-Control"] == "no-cache"
    live.publish(live.agent_topic(agent.id + 1000), "pop", {"desk_call_id": 1})  # not his
    mine = live.publish(live.agent_topic(agent.id), "pop", {"desk_call_id": 7, "url": "/desk/calls/7/pop"})
    db.session.commit()
    assert frames(response, 1) == [{"id": mine.id, "event": "pop",
                                    "data": {"desk_call_id": 7, "url": "/desk/calls/7/pop"}}]


def test_a_new_stream_starts_after_what_was_already_logged(app, make_agent):
    agent = make_agent("8001")
    live.publish(live.agent_topic(agent.id), "state", {"state": "ready"})
    db.session.commit()
    app.config["LIVE_STREAM_MAX_SECONDS"] = 0.5
    response = log_in(app, agent).get("/desk/stream", buffered=False)
    assert frames(response, 1) == []  # nothing new until the stream ends


def test_last_event_id_resumes_where_the_browser_stopped(app, make_agent):
    agent = make_agent("8001")
    topic = live.agent_topic(agent.id)
    ids = [live.publish(topic, "state", {"n": n}).id for n in range(3)]
    db.session.commit()
    client = log_in(app, agent)
    got = frames(client.get("/desk/stream", headers={"Last-Event-ID": str(ids[0])}, buffered=False), 2)
    assert [(f["id"], f["data"]) for f in got] == [(ids[1], {"n": 1}), (ids[2], {"n": 2})]
    got = frames(client.get(f"/desk/stream?last_event_id={ids[1]}", buffered=False), 1)
    assert [f["id"] for f in got] == [ids[2]]


def test_topics_are_checked_against_the_users_permissions(app, make_agent, make_user):
    agent, other = make_agent("8001"), make_agent("8002")
    client = log_in(app, agent)
    assert client.get(f"/desk/stream?topics=agent:{other.id}").status_code == 403
    assert client.get("/desk/stream?topics=team").status_code == 403
    assert client.get("/desk/stream?topics=queues").status_code == 403
    assert client.get("/desk/stream?topics=cti-outbox").status_code == 400
    lead = log_in(app, make_user("teamlead"))
    response = lead.get("/desk/stream?topics=team,queues", buffered=False)
    assert response.status_code == 200
    response.close()
    assert log_in(app, make_user("backoffice")).get("/desk/stream").status_code == 403


def test_the_team_stream_carries_every_agents_state(app, make_agent, make_user):
    from app.agents import states
    from app.agents.models import ON_CALL

    agent = make_agent("8001")
    response = log_in(app, make_user("teamlead")).get("/desk/stream?topics=team", buffered=False)
    states.record(agent.id, ON_CALL, uniqueid="1796154447.30", queue="postline-11185")
    db.session.commit()
    [got] = frames(response, 1)
    assert got["event"] == "state" and got["data"]["user_id"] == agent.id and got["data"]["state"] == ON_CALL


def _stream_in_thread(application, user, wanted: int) -> tuple[threading.Thread, dict]:
    box: dict = {}
    client = log_in(application, user)

    def read() -> None:
        box["frames"] = frames(client.get("/desk/stream", buffered=False), wanted)

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    return thread, box


def _until(condition, bound: float = BOUND) -> None:
    ends = time.monotonic() + bound
    while not condition():
        assert time.monotonic() < ends, "timed out"
        time.sleep(0.01)


def _cross_process(app, other_app, make_agent, **config: Any) -> Any:
    """Three streams on the second app wait; the first app publishes; each stream gets it."""
    agents = [make_agent(str(8001 + n)) for n in range(3)]
    web2 = other_app(**(NO_HEARTBEAT | config))
    readers = [_stream_in_thread(web2, agent, 1) for agent in agents]
    _until(lambda: web2.extensions.get(wakeup.EXTENSION) is not None)
    hub = web2.extensions[wakeup.EXTENSION]
    _until(lambda: hub.waiting == 3 and hub.listener.connected.is_set())
    with web2.app_context():
        # Three waiting streams hold no connection (the poller may be in a query just now).
        assert db.engine.pool.checkedout() <= (1 if wakeup.backend_name(web2) == wakeup.POLL else 0)
    ids = [publish_in(app, live.agent_topic(agent.id), "pop", {"desk_call_id": n})
           for n, agent in enumerate(agents)]
    for (thread, box), event_id in zip(readers, ids):
        thread.join(BOUND)
        assert not thread.is_alive()
        assert [f["id"] for f in box["frames"]] == [event_id]
    return web2


def test_an_event_committed_by_another_process_wakes_the_streams(app, other_app, make_agent):
    """PostgreSQL: LISTEN/NOTIFY; the embedded SQLite install: polling."""
    web2 = _cross_process(app, other_app, make_agent)
    expected = wakeup.POSTGRESQL if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql") else wakeup.POLL
    assert wakeup.backend_name(web2) == expected


def test_redis_pub_sub_wakes_the_streams_of_another_process(app, other_app, make_agent):
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        pytest.fail(f"Redis is part of the test machine and must be reachable at {REDIS_URL}: {exc}")
    app.config["LIVE_REDIS_URL"] = REDIS_URL  # the publishing side sends its wake-ups to Redis
    web2 = _cross_process(app, other_app, make_agent, LIVE_REDIS_URL=REDIS_URL, LIVE_BACKEND="redis")
    assert wakeup.backend_name(web2) == wakeup.REDIS


def test_the_worker_forgets_live_events_older_than_a_day(app):
    from datetime import timedelta

    from app.timeutil import utcnow

    old = live.publish("team", "state", {"old": True})
    old.at = utcnow() - timedelta(hours=25)
    new = live.publish("team", "state", {"old": False})
    db.session.commit()
    assert live.purge_old_events() == 1
    assert [e.id for e in live.since(["team"], 0)] == [new.id]
