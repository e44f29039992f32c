"""The wallboard's snapshot: per queue, the callers waiting and the longest wait now, the
agents by state now, and today's service level and 接通率, each with its colour.

The live half comes from the agents room (its waiting callers, fed by Asterisk's queue
events, and every agent's state); today's figures from the hourly roll-ups of the
centre's day (:func:`app.stats.metrics.queue_figures`), so the board and the reports
agree to the call. A snapshot is plain JSON: the page is drawn from it at first and
each server-sent event replaces it whole."""
from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import select

from app.agents import team, waiting
from app.agents.models import ACW, LOGGED_OFF, ON_CALL, PAUSED, READY, RINGING, AgentProfile, AgentSkill
from app.extensions import db
from app.stats.metrics import QueueFigures, queue_figures, total
from app.stats.targets import Targets, load_colour, rate_colour, targets_of
from app.stats.thresholds import service_level_seconds
from app.timeutil import local, utcnow

#: The states a wall shows, in its order; a ringing agent counts as on a call.
BOARD_STATES = (READY, ON_CALL, ACW, PAUSED, LOGGED_OFF)
_STATE_OF = {RINGING: ON_CALL}


def refresh_seconds() -> float:
    """How often the stream sends a new snapshot (``WALLBOARD_REFRESH_SECONDS``)."""
    return max(1.0, float(current_app.config.get("WALLBOARD_REFRESH_SECONDS", 5)))


def snapshot(now: datetime | None = None) -> dict[str, Any]:
    """Every queue the agents serve, has callers waiting or had calls today, by name,
    and a centre-wide total row (rates recomputed from the summed counts)."""
    now = now or utcnow()
    today = local(now).date()
    figures = {queue: f for _key, queue, f in queue_figures(today, today, "all")}
    state_of = {row.profile.user_id: _STATE_OF.get(row.state, row.state) for row in team.team_rows()}
    agents = _agents_by_queue(state_of)
    waits = {q.queue: q for q in waiting.all_queues(sorted(set(agents) | set(figures)))}
    rows = [_row(name, waits[name], agents.get(name, {}), figures.get(name, QueueFigures()), now)
            for name in sorted(waits)]
    return {"at": now.isoformat(), "clock": f"{local(now):%H:%M:%S}", "day": today.isoformat(),
            "refresh_s": refresh_seconds(), "queues": rows,
            "total": _total(rows, list(figures.values()), Counter(state_of.values()))}


def _agents_by_queue(state_of: dict[int, str]) -> dict[str, dict[str, int]]:
    """Per skill queue, how many of its active agents are in each board state."""
    skills = db.session.execute(select(AgentSkill.queue, AgentSkill.user_id)
                                .join(AgentProfile, AgentProfile.user_id == AgentSkill.user_id)
                                .where(AgentProfile.active.is_(True)))
    counts: dict[str, Counter[str]] = {}
    for queue, user_id in skills:
        counts.setdefault(queue, Counter())[state_of.get(user_id, LOGGED_OFF)] += 1
    return {queue: _states(c) for queue, c in counts.items()}


def _states(counts: Counter[str]) -> dict[str, int]:
    return {state: counts.get(state, 0) for state in BOARD_STATES}


def _row(queue: str, now_waiting: waiting.QueueNow, agents: dict[str, int], today: QueueFigures,
         now: datetime) -> dict[str, Any]:
    targets = targets_of(queue)
    longest = _seconds_since(now_waiting.longest_since, now)
    return {
        "queue": queue, "waiting": now_waiting.waiting,
        "longest_since": now_waiting.longest_since.isoformat() if now_waiting.longest_since else None,
        "longest_s": longest, "agents": agents or _states(Counter()),
        "received": today.received, "answered": today.answered,
        "service_level": today.service_level, "answer_rate": today.answer_rate,
        "threshold_s": service_level_seconds(queue), "targets": targets.as_dict(),
        "colours": _colours(now_waiting.waiting, targets.waiting, longest, today, targets),
    }


def _total(rows: list[dict[str, Any]], figures: list[QueueFigures], states: Counter[str]) -> dict[str, Any]:
    """The centre's row: waiting summed, the longest of the longest waits, agents counted
    once each (an agent in two queues is one person), today's figures of every queue."""
    whole: QueueFigures = total(figures) or QueueFigures()
    starts = [row["longest_since"] for row in rows if row["longest_since"]]
    longest_since = min(starts) if starts else None
    targets = targets_of("")
    waiting_now = sum(row["waiting"] for row in rows)
    waiting_target = sum(row["targets"]["waiting"] for row in rows)
    longest = max((row["longest_s"] for row in rows), default=0)
    return {
        "queue": "", "waiting": waiting_now, "longest_since": longest_since, "longest_s": longest,
        "agents": _states(states), "received": whole.received, "answered": whole.answered,
        "service_level": whole.service_level, "answer_rate": whole.answer_rate,
        "colours": _colours(waiting_now, waiting_target, longest, whole, targets),
    }


def _colours(waiting_now: int, waiting_target: int, longest: int, figures: QueueFigures,
             targets: Targets) -> dict[str, str]:
    """Each figure's colour against its target (the waiting target is the queue's own, or
    the queues' sum for the centre)."""
    return {"waiting": load_colour(waiting_now, waiting_target),
            "longest": load_colour(longest, targets.longest_wait_s),
            "service_level": rate_colour(figures.service_level, targets.service_level, targets.amber_margin),
            "answer_rate": rate_colour(figures.answer_rate, targets.answer_rate, targets.amber_margin)}


def _seconds_since(since: datetime | None, now: datetime) -> int:
    return max(0, int((now - since).total_seconds())) if since else 0
