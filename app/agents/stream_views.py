"""``GET /desk/stream``: the live events of the desk, the team view and the wallboard as
server-sent events.

``topics`` is a comma list: ``agent:<own id>`` (the default; another agent's is refused),
``team`` and ``queues`` (both need ``desk.team``). A browser that reconnects sends
``Last-Event-ID`` and gets every event after it; a new stream starts after the newest
event. Between reads the stream waits on the process's hub (:mod:`app.cti.wakeup`)
holding no database connection; each read is a short app context of its own."""
from __future__ import annotations

import json
import time
from collections.abc import Iterator

from flask import Flask, Response, abort, current_app, request
from flask_login import current_user

from app.agents.views import bp
from app.auth.permissions import has_permission, permission_required
from app.cti import live, wakeup
from app.cti.models import LiveEvent
from app.extensions import db

TEAM_TOPICS = (live.TEAM, live.QUEUES)
#: How long the browser waits before reconnecting (ms), told in the stream's first frame.
RETRY_MS = 3000
MOST_TOPICS = 10


@bp.route("/stream")
@permission_required("desk.use")
def stream() -> Response:
    topics = _topics(request.args.get("topics", ""))
    after = _last_event_id()
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if after is None:
        after = live.latest_id()
    db.session.remove()  # the request's connection is not held for the stream's life
    response = Response(events(app, topics, after), mimetype="text/event-stream")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["X-Accel-Buffering"] = "no"  # nginx: pass each event on at once
    return response


def _topics(text: str) -> list[str]:
    """The topics asked for, each allowed to the current user (403 otherwise)."""
    own = live.agent_topic(current_user.id)
    asked = list(dict.fromkeys(t.strip() for t in text.split(",") if t.strip())) or [own]
    if len(asked) > MOST_TOPICS:
        abort(400)
    for topic in asked:
        if topic == own:
            continue
        if topic in TEAM_TOPICS or topic.startswith("agent:"):
            if not has_permission(current_user, "desk.team"):
                abort(403)
            if topic.startswith("agent:") and not topic[6:].isdigit():
                abort(400)
            continue
        abort(400)
    return asked


def _last_event_id() -> int | None:
    """``Last-Event-ID`` (sent by EventSource when it reconnects) or ``last_event_id``."""
    raw = (request.headers.get("Last-Event-ID") or request.args.get("last_event_id") or "").strip()
    return int(raw) if raw.isdigit() and len(raw) < 19 else None


def events(app: Flask, topics: list[str], after: int) -> Iterator[str]:
    """The stream's frames: events after ``after``, a heartbeat comment when idle, until
    ``LIVE_STREAM_MAX_SECONDS`` (the browser then reconnects with its last id)."""
    hub = wakeup.hub_for(app)
    heartbeat = float(app.config.get("LIVE_HEARTBEAT_SECONDS") or 15.0)
    ends = time.monotonic() + float(app.config.get("LIVE_STREAM_MAX_SECONDS") or 3600.0)
    yield f"retry: {RETRY_MS}\n: connected\n\n"
    while time.monotonic() < ends:
        seen = hub.snapshot(topics)
        found = _read(app, topics, after)
        for event in found:
            after = event.id
            yield frame(event)
        if found:
            continue
        if not hub.wait(topics, seen, min(heartbeat, max(0.0, ends - time.monotonic()))):
            yield ": heartbeat\n\n"


def _read(app: Flask, topics: list[str], after: int) -> list[LiveEvent]:
    with app.app_context():
        try:
            found = live.since(topics, after)
            db.session.expunge_all()  # plain objects, usable once the session is gone
            return found
        finally:
            db.session.remove()


def frame(event: LiveEvent) -> str:
    """One SSE frame; the payload is one line of JSON (``data:`` may not hold a newline)."""
    data = json.dumps(live.payload_of(event), ensure_ascii=False, separators=(",", ":"))
    return f"id: {event.id}\nevent: {event.kind}\ndata: {data}\n\n"
