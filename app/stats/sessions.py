"""Agent sessions from queue_log's agent lines (ADDMEMBER/REMOVEMEMBER, PAUSE/UNPAUSE with
their reason, PAUSEALL/UNPAUSEALL, AGENTLOGIN/AGENTLOGOFF): logged-in and paused seconds
per agent and hour, pause by reason, and the after-call work of the call an ACW pause
follows.

Only closed intervals count; the open login or pause is kept in ``AgentState`` so the next
batch continues it.

A line older than the agent's last line (a late line) of the same local day makes the
agent's day be recomputed: his day's session seconds and pauses are taken out and his
stored lines of that day replayed from cti_queue_log. Not handled: a session that was open
at that day's midnight loses its part of the day on such a replay, and a late line of an
earlier day than the agent's last line is applied in arrival order."""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update

from app.agents.models import ACW_REASON
from app.cti.models import QueueLogEntry
from app.cti.queue_log import AGENT_EVENTS, QueueLogRow, entry_row, utc_at
from app.extensions import db
from app.stats.hours import local_hour, upsert
from app.stats.models import AgentHour, AgentPauseHour, AgentState, QueueCall, QueueHour
from app.timeutil import LocalClock, day_start_utc

LOGIN_EVENTS = frozenset({"ADDMEMBER", "AGENTLOGIN", "AGENTCALLBACKLOGIN"})
LOGOFF_EVENTS = frozenset({"REMOVEMEMBER", "AGENTLOGOFF", "AGENTCALLBACKLOGOFF"})
PAUSE_EVENTS = frozenset({"PAUSE", "PAUSEALL"})
UNPAUSE_EVENTS = frozenset({"UNPAUSE", "UNPAUSEALL"})


def apply(rows: list[QueueLogRow]) -> None:
    """Fold agent lines into the agent roll-ups (the caller commits)."""
    agent_delta: dict = defaultdict(lambda: defaultdict(int))
    pause_delta: dict = defaultdict(lambda: defaultdict(int))
    queue_delta: dict = defaultdict(lambda: defaultdict(int))
    by_agent: dict[str, list[QueueLogRow]] = defaultdict(list)
    hours = LocalClock().hour
    for row in rows:
        if row.agent:
            by_agent[row.agent].append(row)
    for agent, lines in by_agent.items():
        state = db.session.get(AgentState, agent) or AgentState(agent=agent, queues="", pause_reason="",
                                                                last_epoch=0)
        db.session.add(state)
        if state.last_epoch and min(r.epoch for r in lines) < state.last_epoch:
            lines = _replay_day(state, lines)
        for row in sorted(lines, key=lambda r: r.epoch):
            _step(state, row, agent_delta, pause_delta, queue_delta, hours)
            state.last_epoch = max(state.last_epoch or 0, row.epoch)
    db.session.flush()
    upsert(AgentHour, ("hour", "agent", "queue"), agent_delta)
    upsert(AgentPauseHour, ("hour", "agent", "reason"), pause_delta)
    upsert(QueueHour, ("hour", "queue"), queue_delta)


def _replay_day(state: AgentState, lines: list[QueueLogRow]) -> list[QueueLogRow]:
    """Reset the agent's day of his last line and return all his stored lines of it (the
    batch's are stored already); lines of other days come back as they are."""
    last_day = local_hour(utc_at(state.last_epoch)).date()
    same_day = [r for r in lines if local_hour(r.at).date() == last_day]
    if not same_day:
        return lines
    start = day_start_utc(last_day)
    end = start + timedelta(days=1)
    db.session.execute(update(AgentHour).where(
        AgentHour.agent == state.agent, AgentHour.queue == "", AgentHour.day == last_day)
        .values(login_s=0, pause_s=0))
    db.session.execute(delete(AgentPauseHour).where(
        AgentPauseHour.agent == state.agent, AgentPauseHour.day == last_day))
    state.logged_in_since, state.paused_since, state.pause_reason, state.queues = None, None, "", ""
    stored = db.session.scalars(select(QueueLogEntry).where(
        QueueLogEntry.agent == state.agent, QueueLogEntry.event.in_(AGENT_EVENTS),
        QueueLogEntry.at >= start, QueueLogEntry.at < end).order_by(QueueLogEntry.at, QueueLogEntry.id))
    return [entry_row(entry) for entry in stored] + [r for r in lines if r not in same_day]


def _step(state: AgentState, row: QueueLogRow, agent_delta: dict, pause_delta: dict,
          queue_delta: dict, local_hour) -> None:
    queues = set(filter(None, (state.queues or "").split("|")))
    at = row.at
    if row.event in LOGIN_EVENTS:
        if state.logged_in_since is None:
            state.logged_in_since = at
        queues.add(row.queue or "*")
        if row.event == "ADDMEMBER" and row.data[0] == "1" and state.paused_since is None:
            state.paused_since, state.pause_reason = at, ""
    elif row.event in LOGOFF_EVENTS:
        queues.discard(row.queue or "*")
        if row.event != "REMOVEMEMBER":
            queues.clear()
        if not queues:
            _end_pause(state, at, agent_delta, pause_delta, local_hour)
            if state.logged_in_since is not None:
                for hour, seconds in _split(state.logged_in_since, at, local_hour):
                    agent_delta[(hour, state.agent, "")]["login_s"] += seconds
            state.logged_in_since = None
    elif row.event in PAUSE_EVENTS:
        reason = row.data[0] or ""
        if state.paused_since is not None and state.pause_reason == reason:
            pass  # one PAUSE line per queue at the same second: paused once
        else:
            _end_pause(state, at, agent_delta, pause_delta, local_hour)
            state.paused_since, state.pause_reason = at, reason
    elif row.event in UNPAUSE_EVENTS:
        if state.paused_since is not None and state.pause_reason == ACW_REASON:
            _acw(state, at, queue_delta, agent_delta, local_hour)
        _end_pause(state, at, agent_delta, pause_delta, local_hour)
    state.queues = "|".join(sorted(queues))


def _end_pause(state: AgentState, at: datetime, agent_delta: dict, pause_delta: dict, local_hour) -> None:
    if state.paused_since is None:
        return
    parts = _split(state.paused_since, at, local_hour)
    for index, (hour, seconds) in enumerate(parts):
        agent_delta[(hour, state.agent, "")]["pause_s"] += seconds
        counts = pause_delta[(hour, state.agent, state.pause_reason or "")]
        counts["pause_s"] += seconds
        if index == 0:
            counts["pauses"] += 1
    state.paused_since, state.pause_reason = None, ""


def _acw(state: AgentState, at: datetime, queue_delta: dict, agent_delta: dict, local_hour) -> None:
    """The ACW pause follows the agent's latest completed call that ended before it began."""
    start = state.paused_since
    call = db.session.scalars(
        select(QueueCall).where(QueueCall.agent == state.agent, QueueCall.completed.is_(True),
                                QueueCall.entered_at <= start)
        .order_by(QueueCall.entered_at.desc()).limit(1)).first()
    if call is None:
        return
    ended = call.entered_at + timedelta(seconds=call.hold_s + call.talk_s)
    if ended > start + timedelta(seconds=1):
        return
    seconds = int((at - start).total_seconds())
    hour = local_hour(call.entered_at)
    q = queue_delta[(hour, call.queue)]
    a = agent_delta[(hour, call.agent, call.queue)]
    if call.acw_s is not None:
        for counts in (q, a):
            counts["acw_calls"] -= 1
            counts["acw_s"] -= call.acw_s
    call.acw_s = seconds
    for counts in (q, a):
        counts["acw_calls"] += 1
        counts["acw_s"] += seconds


def _split(start: datetime, end: datetime, local_hour) -> list[tuple[datetime, int]]:
    """Seconds of [start, end) (UTC) per local hour, first hour first."""
    parts: list[tuple[datetime, int]] = []
    cursor = start
    while cursor < end:
        boundary = cursor.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
        stop = min(boundary, end)
        seconds = int((stop - cursor).total_seconds())
        if seconds:
            parts.append((local_hour(cursor), seconds))
        cursor = stop
    return parts
