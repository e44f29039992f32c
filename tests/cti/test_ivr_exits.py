"""The IVR's calls reach queue_log as IVREXIT lines, once each, without touching the queue
figures: a caller the IVR served has no queue line of Asterisk's."""
from __future__ import annotations

import json
from datetime import datetime, timedelta

from sqlalchemy import select

from app.calls.models import HUNG_UP, SELF_SERVED, TRANSFERRED, CallRecord
from app.cti.ivr_exits import write_ivr_exits
from app.cti.models import QueueLogEntry
from app.extensions import db
from app.stats.models import QueueCall

ENDED = datetime(2026, 11, 30, 2, 0, 5)


def record(uniqueid: str, outcome: str, ended: datetime | None, nodes: list[str], queue: str = "") -> CallRecord:
    call = CallRecord(uniqueid=uniqueid, line="11185", caller="13800138000", started_at=ENDED - timedelta(seconds=40),
                      ended_at=ended, duration_s=40 if ended else None, outcome=outcome, queue=queue,
                      path=json.dumps([{"step": f"s{n}", "node": node, "at": "", "outcome": ""}
                                       for n, node in enumerate(nodes)]))
    db.session.add(call)
    db.session.commit()
    return call


def exits() -> list[QueueLogEntry]:
    return list(db.session.scalars(select(QueueLogEntry).where(QueueLogEntry.event == "IVREXIT")
                                   .order_by(QueueLogEntry.callid)))


def test_each_closed_call_is_one_ivrexit_line_with_line_node_outcome_and_time(app):
    served = record("1796.1", SELF_SERVED, ENDED, ["core.menu", "postcode.lookup"])
    record("1796.2", TRANSFERRED, ENDED + timedelta(seconds=3), ["core.menu", "core.transfer"], queue="postline-11185")
    record("1796.3", "", None, ["core.menu"])                   # still in the IVR: nothing yet
    result = write_ivr_exits()
    assert result.added == 2
    first, second = exits()
    assert (first.callid, first.queue, first.agent, first.at) == ("1796.1", "NONE", "NONE", ENDED)
    assert (first.data1, first.data2, first.data3, first.data4, first.data5) == (
        "11185", "postcode.lookup", SELF_SERVED, "40", str(served.id))
    assert (second.data2, second.data3) == ("core.transfer", TRANSFERRED)
    assert db.session.scalar(select(QueueCall).limit(1)) is None   # no queue figure from them


def test_running_again_adds_nothing_and_a_call_closed_later_is_written(app):
    record("1796.1", HUNG_UP, ENDED, ["core.menu"])
    write_ivr_exits()
    assert write_ivr_exits().added == 0
    late = record("1796.4", SELF_SERVED, None, ["core.menu"])
    late.ended_at, late.outcome, late.duration_s = ENDED - timedelta(seconds=30), SELF_SERVED, 10
    db.session.commit()                     # closed after the watermark, ending a little before it
    assert write_ivr_exits().added == 1
    assert [row.callid for row in exits()] == ["1796.1", "1796.4"]
