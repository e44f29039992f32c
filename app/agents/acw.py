"""After-call work (ACW) has a limit: an agent still in ACW past it is made ready again by
the worker, which also unpauses him in Asterisk (``QueuePause`` false).

The limit is a setting in seconds, not the ``ACW`` pause reason's ``limit_minutes``:
wrap-up is measured in seconds (a centre allows 30, 60 or 180 of them), and it depends on
the kind of call, i.e. the queue — a complaint needs longer notes than a postage question.
``ACW_LIMIT_SECONDS`` is the default, ``ACW_LIMIT_BY_QUEUE`` (``queue=seconds`` comma list)
overrides it per queue; the queue is the one of the call that ended. Pause reasons' own
limits are different: they warn the team lead, they never end a pause."""
from __future__ import annotations

import logging
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from app.agents import states
from app.agents.models import ACW, BY_SYSTEM, READY, AgentStatus
from app.extensions import db
from app.timeutil import utcnow

log = logging.getLogger(__name__)
#: How often the worker looks for ACW past its limit.
CHECK_SECONDS = 15
SYSTEM = "system"


def limit_seconds(queue: str) -> int:
    """The ACW limit for a call of ``queue`` (0: none); a malformed entry is skipped."""
    for entry in str(current_app.config.get("ACW_LIMIT_BY_QUEUE", "")).split(","):
        name, _, seconds = entry.partition("=")
        if name.strip() == queue and seconds.strip().isdigit():
            return int(seconds.strip())
    return int(current_app.config.get("ACW_LIMIT_SECONDS", 0) or 0)


def end_overdue() -> int:
    """Make every agent in ACW past his limit ready; how many were."""
    now, ended = utcnow(), 0
    for status in db.session.scalars(select(AgentStatus).where(AgentStatus.state == ACW)).all():
        limit = limit_seconds(status.queue)
        if not limit or now - status.since < timedelta(seconds=limit):
            continue
        try:
            states.request(status.user_id, READY, source=BY_SYSTEM, actor=SYSTEM)
            ended += 1
        except states.StateRefused as refused:  # his profile was switched off meanwhile
            log.info("ACW of user %s not ended: %s", status.user_id, refused)
    db.session.commit()
    return ended


def end_overdue_job() -> None:
    """The worker's job (it runs in an app context)."""
    ended = end_overdue()
    if ended:
        log.info("ended after-call work of %d agent(s) past the limit", ended)
