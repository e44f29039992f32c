"""What one call's queue_log lines say about it, as DOMAIN.md defines the figures: one
:class:`CallFact` per queue the call entered. A pure function of the lines, so a call is
recomputed the same way whether its lines came at once, late or twice."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import datetime
from operator import itemgetter

from app.cti.queue_log import QueueLogRow
from app.stats.models import (
    ABANDONED,
    ANSWERED,
    CLOSED,
    EXITEMPTY,
    EXITKEY,
    FULL,
    JOINEMPTY,
    TIMEOUT,
)

#: Lines that start a call's stay in a queue: Asterisk's, and our dialplan's for callers the
#: queue refused (Asterisk writes nothing then).
ENTRY_EVENTS = {"ENTERQUEUE": "", "FULL": FULL, "JOINEMPTY": JOINEMPTY, "CLOSED": CLOSED}
#: Lines that end a wait unanswered: (outcome, data field of the position, of the wait).
EXIT_EVENTS = {"ABANDON": (ABANDONED, 1, 3), "EXITWITHTIMEOUT": (TIMEOUT, 1, 3),
               "EXITEMPTY": (EXITEMPTY, 1, 3), "EXITWITHKEY": (EXITKEY, 2, 4)}
#: Lines that end an answered call: (ended by, data field of the talk time).
END_EVENTS = {"COMPLETEAGENT": ("agent", 2), "COMPLETECALLER": ("caller", 2),
              "BLINDTRANSFER": ("transfer", 4), "ATTENDEDTRANSFER": ("transfer", 4)}


@dataclass
class CallFact:
    callid: str
    queue: str
    segment: int
    counted: bool
    entered_at: datetime
    caller: str = ""
    outcome: str = ""
    agent: str = ""
    hold_s: int = 0
    talk_s: int = 0
    ring_s: int = 0
    acw_s: int | None = None
    completed: bool = False
    ended_by: str = ""
    position: int = 0
    entry_position: int = 0
    exit_key: str = ""
    ringnoanswer: int = 0

    def as_dict(self) -> dict[str, object]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def call_facts(rows: Iterable[QueueLogRow]) -> list[CallFact]:
    """The call's stays in queues, in order. A line for a queue the call has no open stay in
    starts one (uncounted if it is not an entry line: its entry is still to come)."""
    facts: list[CallFact] = []
    open_stay: dict[str, CallFact] = {}
    for row in sorted(rows, key=_epoch):  # stable: same-second lines keep their order
        if not row.queue or row.queue == "NONE":
            continue
        fact = open_stay.get(row.queue)
        if row.event in ENTRY_EVENTS:
            if fact is not None and not fact.counted:
                fact.counted, fact.entered_at = True, row.at   # the entry came after its lines
            else:
                fact = CallFact(row.callid, row.queue, len(facts), True, row.at)
                facts.append(fact)
                open_stay[row.queue] = fact
            fact.caller = row.data[1] if row.event == "ENTERQUEUE" else row.data[0]
            fact.entry_position = row.number(3) if row.event == "ENTERQUEUE" else 0
            fact.outcome = fact.outcome or ENTRY_EVENTS[row.event]
            if row.event != "ENTERQUEUE":
                open_stay.pop(row.queue, None)
            continue
        if fact is None:
            fact = CallFact(row.callid, row.queue, len(facts), False, row.at)
            facts.append(fact)
            open_stay[row.queue] = fact
        _apply(fact, row)
        if fact.outcome in (ABANDONED, TIMEOUT, EXITEMPTY, EXITKEY) or fact.completed:
            open_stay.pop(row.queue, None)
    return facts


_epoch = itemgetter(0)


def _apply(fact: CallFact, row: QueueLogRow) -> None:
    event = row.event
    if event == "CONNECT":
        fact.outcome, fact.agent = ANSWERED, row.agent
        fact.hold_s, fact.ring_s = row.number(1), row.number(3)
    elif event in END_EVENTS:
        ended_by, talk_field = END_EVENTS[event]
        fact.outcome = ANSWERED
        fact.agent = fact.agent or row.agent
        fact.hold_s = fact.hold_s or row.number(3 if ended_by == "transfer" else 1)
        fact.talk_s, fact.completed, fact.ended_by = row.number(talk_field), True, ended_by
        fact.position = row.number(5 if ended_by == "transfer" else 3)
    elif event in EXIT_EVENTS:
        outcome, position_field, wait_field = EXIT_EVENTS[event]
        fact.outcome, fact.hold_s = outcome, row.number(wait_field)
        fact.position = row.number(position_field)
        if event == "EXITWITHKEY":
            fact.exit_key = row.data[0]
    elif event == "RINGNOANSWER":
        fact.ringnoanswer += 1
