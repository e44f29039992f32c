"""``/stats/wallboard``, the wall screen, and ``/stats/wallboard/stream``, its server-sent
events: a ``snapshot`` event at once, then a new one every ``WALLBOARD_REFRESH_SECONDS``,
or sooner when an agent's state or a queue changes (the desk's live topics wake the
stream through the process's hub, :mod:`app.cti.wakeup`), never more than one a second.
Like the desk's stream it holds no database connection while it waits and ends after
``LIVE_STREAM_MAX_SECONDS``; EventSource then reconnects by itself."""
from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

from flask import Flask, Response, current_app, render_template

from app.agents.state_labels import labels
from app.agents.stream_views import RETRY_MS
from app.auth.permissions import permission_required
from app.cti import live, wakeup
from app.extensions import db
from app.stats import wallboard
from app.stats.views import WALLBOARD, bp

#: What wakes the stream before its next tick: agents' states and callers waiting.
TOPICS = (live.TEAM, live.QUEUES)
MIN_GAP_S = 1.0


@bp.route("/wallboard")
@permission_required(WALLBOARD)
def wallboard_page() -> str:
    return render_template("stats/wallboard.html", snap=wallboard.snapshot(), states=wallboard.BOARD_STATES,
                           labels=labels())


@bp.route("/wallboard/stream")
@permission_required(WALLBOARD)
def wallboard_stream() -> Response:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    db.session.remove()  # the request's connection is not held for the stream's life
    response = Response(snapshots(app), mimetype="text/event-stream")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["X-Accel-Buffering"] = "no"
    return response


def snapshots(app: Flask) -> Iterator[str]:
    hub = wakeup.hub_for(app)
    with app.app_context():
        refresh = wallboard.refresh_seconds()
    ends = time.monotonic() + float(app.config.get("LIVE_STREAM_MAX_SECONDS") or 3600.0)
    yield f"retry: {RETRY_MS}\n: connected\n\n"
    number = 0
    while True:
        seen = hub.snapshot(TOPICS)
        sent = time.monotonic()
        number += 1
        yield snapshot_frame(number, _snapshot(app))
        if sent >= ends:
            return
        hub.wait(TOPICS, seen, min(refresh, max(0.0, ends - sent)))
        if time.monotonic() >= ends:
            return
        gap = MIN_GAP_S - (time.monotonic() - sent)
        if gap > 0:
            time.sleep(gap)


def _snapshot(app: Flask) -> dict[str, Any]:
    with app.app_context():
        try:
            return wallboard.snapshot()
        finally:
            db.session.remove()


def snapshot_frame(number: int, snap: dict[str, Any]) -> str:
    data = json.dumps(snap, ensure_ascii=False, separators=(",", ":"))
    return f"id: {number}\nevent: snapshot\ndata: {data}\n\n"
