"""Agent sessions from queue_log's agent lines (ADDMEMBER/REMOVEMEMBER, PAUSE/UNPAUSE with
their reason, PAUSEALL/UNPAUSEALL): logged-in and paused seconds per agent and hour, pause
by reason, and the after-call work of the call an ACW pause follows."""
from __future__ import annotations

from app.cti.queue_log import QueueLogRow


def apply(rows: list[QueueLogRow]) -> None:
    """Fold agent lines into the agent roll-ups (the caller commits)."""
    # Skeleton: the sessions part of issue 10 fills this in.
    return None
