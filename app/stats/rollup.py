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
from operator import attrgetter

from sqlalchemy import Connection, Table, delete, select

from app.bulk import existing_values, insert_many
from app.cti.queue_log import AGENT_EVENTS, QueueLogRow, rows_of_calls
from app.extensions import db
from app.stats import sessions
from app.stats.facts import CallFact, call_facts
from app.stats.hours import Counts, upsert
from app.stats.models import ABANDON_BANDS, ANSWER_BANDS, AgentHour, QueueCall, QueueHour
from app.stats.thresholds import service_level_seconds
from app.timeutil import LocalClock


def apply(rows: list[QueueLogRow]) -> None:
    """Fold newly stored lines into the facts and the roll-ups (the caller commits)."""
    by_call: dict[str, list[QueueLogRow]] = defaultdict(list)
    agent_rows: list[QueueLogRow] = []
    missed: list[QueueLogRow] = []
    for row in rows:
        event = row.event
        if event in AGENT_EVENTS:
            agent_rows.append(row)
            continue
        if row.callid and row.callid != "NONE":
            by_call[row.callid].append(row)
        if event == "RINGNOANSWER" and row.agent:
            missed.append(row)
    contributions = Contributions()
    if by_call:
        _refresh_calls(by_call, contributions)
    for row in missed:
        contributions.agent[(contributions.hour(row.at), row.agent, row.queue)]["ringnoanswer"] += 1
    upsert(QueueHour, ("hour", "queue"), contributions.queue)
    upsert(AgentHour, ("hour", "agent", "queue"), contributions.agent)
    if agent_rows:
        sessions.apply(agent_rows)


def _refresh_calls(by_call: dict[str, list[QueueLogRow]], contributions: Contributions) -> None:
    conn = db.session.connection()
    table = QueueCall.__table__
    old = _stored_facts(conn, table, sorted(existing_values(conn, table, "callid", list(by_call))))
    seen_before = rows_of_calls(old) if old else {}
    new_facts: list[CallFact] = []
    for callid, rows in by_call.items():
        previous = old.get(callid)
        if previous is None:
            facts = call_facts(rows)
        else:
            for stored in previous:
                contributions.add(stored, -1)
            facts = call_facts(seen_before[callid])
            for fact in facts:   # the ACW pause is the agent's line, not the call's: keep it
                fact.acw_s = next((s.acw_s for s in previous if s.queue == fact.queue
                                   and s.segment == fact.segment), None)
        for fact in facts:
            contributions.add(fact, +1)
        new_facts.extend(facts)
    stale = list(old)
    for start in range(0, len(stale), 500):
        conn.execute(delete(table).where(table.c.callid.in_(stale[start:start + 500])))
    if new_facts:
        insert_many(conn, table, FACT_FIELDS, [_fact_values(fact) for fact in new_facts])


FACT_FIELDS = tuple(CallFact.__dataclass_fields__)
_fact_values = attrgetter(*FACT_FIELDS)


def _stored_facts(conn: Connection, table: Table, callids: list[str]) -> dict[str, list[CallFact]]:
    old: dict[str, list[CallFact]] = defaultdict(list)
    columns = [table.c[name] for name in FACT_FIELDS]
    for start in range(0, len(callids), 500):
        for stored in conn.execute(select(*columns).where(table.c.callid.in_(callids[start:start + 500]))):
            old[stored.callid].append(CallFact(**stored._mapping))
    return old


class Contributions:
    """What the facts of a batch add to (sign +1) or take out of (−1) their hour rows."""

    def __init__(self) -> None:
        self.queue: dict[tuple[datetime, str], Counts] = defaultdict(lambda: defaultdict(int))
        self.agent: dict[tuple[datetime, str, str], Counts] = defaultdict(lambda: defaultdict(int))
        self.hour = LocalClock().hour
        self.thresholds: dict[str, int] = {}

    def add(self, fact: CallFact, sign: int) -> None:
        if not fact.counted:
            return
        hour = self.hour(fact.entered_at)
        q = self.queue[(hour, fact.queue)]
        q["received"] += sign
        if fact.ringnoanswer:
            q["ringnoanswer"] += sign * fact.ringnoanswer
        if fact.segment == 0:
            q["calls"] += sign
        outcome, hold = fact.outcome, fact.hold_s
        if outcome != "answered":
            if outcome:
                q[outcome] += sign
            if outcome == "abandoned":
                q["abandon_wait_s"] += sign * hold
                for edge, name in ABANDON_BAND_NAMES:
                    if hold <= edge:
                        q[name] += sign
            return
        q["answered"] += sign
        q["hold_s"] += sign * hold
        threshold = self.thresholds.get(fact.queue)
        if threshold is None:
            threshold = self.thresholds[fact.queue] = service_level_seconds(fact.queue)
        if hold <= threshold:
            q["sl_answered"] += sign
        for edge, name in ANSWER_BAND_NAMES:
            if hold <= edge:
                q[name] += sign
        a = self.agent[(hour, fact.agent, fact.queue)]
        a["answered"] += sign
        a["hold_s"] += sign * hold
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


ANSWER_BAND_NAMES = tuple((edge, f"answered_{edge}") for edge in ANSWER_BANDS)
ABANDON_BAND_NAMES = tuple((edge, f"abandoned_{edge}") for edge in ABANDON_BANDS)
