"""Keeping the roll-ups as queue_log lines arrive (the issue's rule: by the ingest, not by a
nightly rebuild).

For every call a batch touches, the call's facts are recomputed (from the batch when the
call is new, from all its stored lines when it was seen before), the old facts'
contribution is taken out of their hours and the new one put in, with one
``INSERT … ON CONFLICT DO UPDATE SET n = n + excluded.n`` per hour row. A late or
corrected line therefore moves its call from one bucket to another and the sums stay
exact. Agent-session lines (login, pause) go to :mod:`app.stats.sessions`."""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import delete, select

from app.bulk import insert_many
from app.cti.queue_log import AGENT_EVENTS, QueueLogRow, rows_of_calls
from app.extensions import db
from app.stats import sessions
from app.stats.facts import CallFact, call_facts
from app.stats.hours import Counts, local_hour, upsert
from app.stats.models import ABANDON_BANDS, ANSWER_BANDS, AgentHour, QueueCall, QueueHour
from app.stats.thresholds import service_level_seconds


def apply(rows: list[QueueLogRow]) -> None:
    """Fold newly stored lines into the facts and the roll-ups (the caller commits)."""
    by_call: dict[str, list[QueueLogRow]] = defaultdict(list)
    agent_rows: list[QueueLogRow] = []
    for row in rows:
        if row.event in AGENT_EVENTS:
            agent_rows.append(row)
        elif row.callid and row.callid != "NONE":
            by_call[row.callid].append(row)
    queue_delta: dict[tuple[datetime, str], Counts] = defaultdict(lambda: defaultdict(int))
    agent_delta: dict[tuple[datetime, str, str], Counts] = defaultdict(lambda: defaultdict(int))
    if by_call:
        _refresh_calls(by_call, queue_delta, agent_delta)
    for row in rows:
        if row.event == "RINGNOANSWER" and row.agent:
            agent_delta[(local_hour(row.at), row.agent, row.queue)]["ringnoanswer"] += 1
    upsert(QueueHour, ("hour", "queue"), queue_delta)
    upsert(AgentHour, ("hour", "agent", "queue"), agent_delta)
    if agent_rows:
        sessions.apply(agent_rows)


def _refresh_calls(by_call: dict[str, list[QueueLogRow]], queue_delta: dict, agent_delta: dict) -> None:
    old: dict[str, list[CallFact]] = defaultdict(list)
    ids = list(by_call)
    conn = db.session.connection()
    table = QueueCall.__table__
    columns = [table.c[name] for name in CallFact.__dataclass_fields__]
    for start in range(0, len(ids), 500):
        for stored in conn.execute(select(*columns).where(table.c.callid.in_(ids[start:start + 500]))):
            old[stored.callid].append(CallFact(**stored._mapping))
    seen_before = rows_of_calls([callid for callid in ids if callid in old])
    new_facts: list[CallFact] = []
    for callid, rows in by_call.items():
        for stored in old.get(callid, []):
            add_contribution(queue_delta, agent_delta, stored, -1)
        facts = call_facts(seen_before[callid] if callid in old else rows)
        for fact in facts:
            acw = next((s.acw_s for s in old.get(callid, []) if s.queue == fact.queue
                        and s.segment == fact.segment), None)
            fact.acw_s = acw  # the ACW pause is the agent's line, not the call's: keep it
            add_contribution(queue_delta, agent_delta, fact, +1)
        new_facts.extend(facts)
    stale = [callid for callid in ids if callid in old]
    for start in range(0, len(stale), 500):
        conn.execute(delete(table).where(table.c.callid.in_(stale[start:start + 500])))
    if new_facts:
        names = list(CallFact.__dataclass_fields__)
        insert_many(conn, table, names, [tuple(getattr(fact, name) for name in names) for fact in new_facts])


def add_contribution(queue_delta: dict, agent_delta: dict, fact: CallFact, sign: int) -> None:
    """Add (``sign`` +1) or take out (−1) what one fact counts in its hour."""
    if not fact.counted:
        return
    hour = local_hour(fact.entered_at)
    q = queue_delta[(hour, fact.queue)]
    q["received"] += sign
    q["ringnoanswer"] += sign * fact.ringnoanswer
    if fact.segment == 0:
        q["calls"] += sign
    if fact.outcome and fact.outcome != "answered":
        q[fact.outcome] += sign
    if fact.outcome == "abandoned":
        q["abandon_wait_s"] += sign * fact.hold_s
        for edge in ABANDON_BANDS:
            if fact.hold_s <= edge:
                q[f"abandoned_{edge}"] += sign
    if fact.outcome != "answered":
        return
    q["answered"] += sign
    q["hold_s"] += sign * fact.hold_s
    if fact.hold_s <= service_level_seconds(fact.queue):
        q["sl_answered"] += sign
    for edge in ANSWER_BANDS:
        if fact.hold_s <= edge:
            q[f"answered_{edge}"] += sign
    a = agent_delta[(hour, fact.agent, fact.queue)]
    a["answered"] += sign
    a["hold_s"] += sign * fact.hold_s
    if fact.ended_by == "transfer":
        q["transferred"] += sign
        a["transferred"] += sign
    if fact.completed:
        for counts in (q, a):
            counts["completed"] += sign
            counts["talk_s"] += sign * fact.talk_s
    if fact.acw_s is not None:
        for counts in (q, a):
            counts["acw_calls"] += sign
            counts["acw_s"] += sign * fact.acw_s
