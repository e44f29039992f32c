"""Traffic to look at on a new site: ``postline demo load`` stores four weeks of synthetic
queue_log lines up to now for the demo's queues and two agents (``PJSIP/8001`` and
``PJSIP/8002``, the demo agents' phones), so the wallboard, the dashboard, the reports and
the staffing forecast show figures at once. The generator is also the benchmark's
(``bench/reports.py``): a day's shape, most calls answered, some abandoned, a few timed
out or left by key."""
from __future__ import annotations

import random
import time
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select

from app.cti.models import QueueLogEntry
from app.cti.queue_log import store_lines
from app.extensions import db

SOURCE = "demo"
DEMO_QUEUES = ("postline-11185", "postline-ems", "postline-complaint")
DEMO_AGENTS = ("PJSIP/8001", "PJSIP/8002")
DEMO_DAYS = 28
DEMO_CALLS_PER_DAY = 120
#: A centre near its targets: most callers answered within the 20 s of the service level.
DEMO_LONGEST_WAIT = 28


def synthetic_lines(calls: int, start: int, days: int, queues: Sequence[str], agents: Sequence[str],
                    seed: int = 20261202, longest_wait: int = 90) -> Iterator[str]:
    """queue_log lines of ``calls`` calls spread over ``days`` days from ``start`` (a local
    midnight as Unix time), as Asterisk writes them; calls of the night move into the day.
    Waits are spread evenly below ``longest_wait`` seconds."""
    rng = random.Random(seed)
    step = days * 86400 / calls
    for n in range(calls):
        at = int(start + n * step)
        hour = (at - start) // 3600 % 24
        if hour < 8 or hour > 20:      # a night call: move it into the day, same order of magnitude
            at += 10 * 3600
        callid, queue = f"{at}.{n}", queues[n % len(queues)]
        agent = agents[rng.randrange(len(agents))]
        yield f"{at}|{callid}|{queue}|NONE|ENTERQUEUE||1380013{n % 10000:04d}|1"
        fate, wait = rng.random(), rng.randrange(1, longest_wait)
        if fate < 0.78:
            talk = rng.randrange(30, 400)
            if rng.random() < 0.1:
                yield f"{at + 2}|{callid}|{queue}|{agents[rng.randrange(len(agents))]}|RINGNOANSWER|15000"
            yield f"{at + wait}|{callid}|{queue}|{agent}|CONNECT|{wait}|{callid}.1|{min(wait, 8)}"
            yield f"{at + wait + talk}|{callid}|{queue}|{agent}|COMPLETECALLER|{wait}|{talk}|1"
        elif fate < 0.93:
            yield f"{at + wait}|{callid}|{queue}|NONE|ABANDON|1|1|{wait}"
        elif fate < 0.97:
            yield f"{at + 300}|{callid}|{queue}|NONE|EXITWITHTIMEOUT|1|1|300"
        else:
            yield f"{at + wait}|{callid}|{queue}|NONE|EXITWITHKEY|5|1|1|{wait}"


def load() -> dict[str, int]:
    """Four weeks up to now, once: a site that has demo lines already gets none."""
    if db.session.scalar(select(QueueLogEntry.id).where(QueueLogEntry.source == SOURCE).limit(1)) is not None:
        return {"queue_log lines": 0}
    zone = ZoneInfo(current_app.config["TIMEZONE"])
    today = datetime.now(zone).replace(hour=0, minute=0, second=0, microsecond=0)
    start = int((today - timedelta(days=DEMO_DAYS - 1)).timestamp())
    now = int(time.time())
    calls = list(synthetic_lines(DEMO_DAYS * DEMO_CALLS_PER_DAY, start, DEMO_DAYS, DEMO_QUEUES, DEMO_AGENTS,
                                 longest_wait=DEMO_LONGEST_WAIT))
    lines = [*calls, *_after_call_work(calls), *_shifts(start)]
    past = [line for line in lines if int(line.split("|", 1)[0]) <= now]
    return {"queue_log lines": store_lines(sorted(past, key=lambda line: int(line.split("|", 1)[0])),
                                           SOURCE).added}


def _after_call_work(calls: list[str]) -> Iterator[str]:
    """After each answered call its agent wraps up for 15–60 s: paused in all his queues
    with reason ACW, as the dialplan's ``POSTLINE_ACW_PAUSE`` does."""
    for line in calls:
        epoch, _callid, _queue, agent, event, *_data = line.split("|")
        if event == "COMPLETECALLER":
            end = int(epoch)
            yield f"{end}|NONE|NONE|{agent}|PAUSEALL|ACW"
            yield f"{end + 15 + end % 46}|NONE|NONE|{agent}|UNPAUSEALL|"


def _shifts(start: int) -> Iterator[str]:
    """Each agent in every demo queue from 08:00 to 20:30, with a meal pause at noon."""
    for day in range(DEMO_DAYS):
        midnight = start + day * 86400
        for agent in DEMO_AGENTS:
            for event, seconds, reason in (("ADDMEMBER", 8 * 3600, ""), ("PAUSE", 12 * 3600, "meal"),
                                           ("UNPAUSE", 12 * 3600 + 1800, ""), ("REMOVEMEMBER", 20 * 3600 + 1800, "")):
                for queue in DEMO_QUEUES:
                    yield f"{midnight + seconds}|NONE|{queue}|{agent}|{event}|{reason}"
