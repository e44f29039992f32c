"""A morning at a small centre, for the wallboard and dashboard tests (and the browser
test): today's calls as queue_log lines, agents in every state, callers waiting now.

postline-11185: four calls today — answered after 5 s, 40 s and 10 s, one abandoned after
15 s — so 接通率 3/4 and service level (20 s) 2/3; two callers waiting, the longest for
90 s. postline-complaint: one call answered after 3 s; nobody waiting."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from app.agents import states
from app.agents.models import ACW, ON_CALL, PAUSED, READY, RINGING, AgentProfile, AgentSkill, PauseReason
from app.cti.events import dispatch
from app.cti.queue_log import store_lines
from app.extensions import db
from app.timeutil import day_start_utc, local, utcnow

MAIN, COMPLAINT = "postline-11185", "postline-complaint"


def today() -> date:
    return local(utcnow()).date()


def epoch(at: datetime) -> int:
    return int(at.replace(tzinfo=timezone.utc).timestamp())


def answered(callid: str, queue: str, t0: int, wait: int, talk: int = 60) -> list[str]:
    return [f"{t0}|{callid}|{queue}|NONE|ENTERQUEUE||1380013800{callid[-1]}|1",
            f"{t0 + wait}|{callid}|{queue}|Agent 8001|CONNECT|{wait}|{callid}.2|2",
            f"{t0 + wait + talk}|{callid}|{queue}|Agent 8001|COMPLETECALLER|{wait}|{talk}|1"]


def abandoned(callid: str, queue: str, t0: int, wait: int) -> list[str]:
    return [f"{t0}|{callid}|{queue}|NONE|ENTERQUEUE||13800138009|1",
            f"{t0 + wait}|{callid}|{queue}|NONE|ABANDON|1|1|{wait}"]


def store_day(day: date, prefix: str = "") -> None:
    """The calls of ``day`` (one minute after the centre's midnight, so always that day)."""
    t0 = epoch(day_start_utc(day)) + 60
    lines = (answered(f"{prefix}c1", MAIN, t0, 5) + answered(f"{prefix}c2", MAIN, t0 + 300, 40)
             + abandoned(f"{prefix}c3", MAIN, t0 + 600, 15) + answered(f"{prefix}c4", MAIN, t0 + 900, 10)
             + answered(f"{prefix}c5", COMPLAINT, t0 + 1200, 3))
    result = store_lines(lines, "test")
    assert result.added == len(lines), result
    db.session.commit()


def agents(make_user) -> dict[str, int]:
    """Six agents: ready, on a call, ringing (counts as on a call), paused, after-call work
    in postline-11185 (the one on a call also in postline-complaint), and one in
    postline-complaint never logged in."""
    db.session.add(PauseReason(code="meal", name="用餐"))
    plan = {"ready": (READY, [MAIN]), "talking": (ON_CALL, [MAIN, COMPLAINT]), "ringing": (RINGING, [MAIN]),
            "eating": (PAUSED, [MAIN]), "writing": (ACW, [MAIN]), "absent": (None, [COMPLAINT])}
    ids = {}
    for number, (name, (state, queues)) in enumerate(plan.items(), start=8001):
        user = make_user("agent", username=name)
        db.session.add(AgentProfile(user_id=user.id, interface=f"PJSIP/{number}", extension=str(number)))
        db.session.add_all(AgentSkill(user_id=user.id, queue=q) for q in queues)
        db.session.flush()
        if state:
            states.record(user.id, state, "meal" if state == PAUSED else "")
        ids[name] = user.id
    db.session.commit()
    return ids


def callers_waiting() -> None:
    """Two callers in postline-11185 as Asterisk's QueueStatus tells of them: 90 s and 30 s."""
    for uniqueid, wait in (("w1", 90), ("w2", 30)):
        dispatch({"Event": "QueueEntry", "Queue": MAIN, "Uniqueid": uniqueid, "CallerIDNum": "13800138111",
                  "Wait": str(wait)})
    db.session.commit()


def morning(make_user) -> dict[str, int]:
    store_day(today())
    ids = agents(make_user)
    callers_waiting()
    return ids


def weeks_before(day: date, weeks: int) -> list[date]:
    return [day - timedelta(weeks=n) for n in range(1, weeks + 1)]
