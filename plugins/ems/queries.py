"""Counting tracking queries, per channel, for the report. An agent's query is written in
its request; the IVR's is written when the call ends (``postline_call_ended``, off the
caller's path: the record's data says what the caller asked)."""
from __future__ import annotations

import json

from app import api

from .models import EmsQuery

#: What the node leaves in ``call.data`` (and so in the call record and on the pop).
DATA_NUMBER = "ems.number"
DATA_FOUND = "ems.found"
DATA_QUERIES = "ems.queries"


def record_query(channel: str, number: str, found: bool, user_id: int | None = None,
                 customer_id: int | None = None, call_id: int | None = None) -> None:
    api.db.session.add(EmsQuery(channel=channel, number=number[:13], found=found, user_id=user_id,
                                customer_id=customer_id, call_id=call_id))
    api.db.session.commit()


def record_call_queries(call: api.CallRecord) -> None:
    """The queries a caller made in the IVR (``ems.queries``: a list of [number, found]),
    one row each, at the call's end."""
    try:
        data = json.loads(call.data or "{}")
    except ValueError:
        return
    asked = data.get(DATA_QUERIES) if isinstance(data, dict) else None
    if not isinstance(asked, list) or not asked:
        return
    for entry in asked[:20]:
        if isinstance(entry, list) and len(entry) == 2:
            api.db.session.add(EmsQuery(at=call.ended_at or api.utcnow(), channel="ivr", number=str(entry[0])[:13],
                                        found=bool(entry[1]), call_id=call.id))
    api.db.session.commit()
