"""Reading Asterisk's realtime queue_log table (``QUEUE_LOG_TABLE_URL``, table
``QUEUE_LOG_TABLE``) from the worker, for PBXs that log to a database instead of a file.

The standard columns are read: time, callid, queuename, agent, event, data1..data5. The time
may be a datetime, text "YYYY-MM-DD HH:MM:SS[.ffffff]" (UTC) or an epoch. The watermark (the
last whole second read, as an epoch) is kept in :class:`QueueLogSource.last_seen`; each
run re-reads that whole second, because rows of the same second may have come after our
read — the digest dedupe makes reading them twice harmless."""
from __future__ import annotations

from datetime import datetime, timezone

import sqlalchemy as sa
from flask import current_app
from sqlalchemy import select

from app.cti.models import QueueLogSource
from app.cti.queue_log import StoreResult, store_lines
from app.extensions import db
from app.timeutil import utcnow

COLUMNS = ("time", "callid", "queuename", "agent", "event", "data1", "data2", "data3", "data4", "data5")
#: Rows read per run at most; the next run goes on from the watermark.
LIMIT = 20000


def read_table(url: str, table_name: str = "queue_log") -> StoreResult:
    """Store the table's rows from the watermark on; returns what was read."""
    name = f"table:{table_name}@{sa.engine.make_url(url).render_as_string(hide_password=True)}"[:255]
    state = db.session.scalar(select(QueueLogSource).where(QueueLogSource.name == name))
    if state is None:
        state = QueueLogSource(name=name, position=0, last_seen="", lines=0, bad_lines=0)
        db.session.add(state)
    engine = sa.create_engine(url)
    try:
        table = sa.Table(table_name, sa.MetaData(), autoload_with=engine)
        time_col = table.c["time"]
        query = sa.select(*(table.c[c] for c in COLUMNS)).order_by(time_col).limit(LIMIT)
        if state.last_seen:
            query = query.where(time_col >= _bound(time_col, float(state.last_seen)))
        with engine.connect() as conn:
            rows = conn.execute(query).all()
    finally:
        engine.dispose()
    lines, last = [], float(state.last_seen or 0)
    for row in rows:
        epoch = _epoch(row[0])
        if epoch is None:
            lines.append("|".join(str(v or "") for v in row))  # counted as a bad line
            continue
        last = max(last, epoch)
        lines.append("|".join([str(int(epoch)), *(str(v if v is not None else "") for v in row[1:])]))
    result = store_lines(lines, f"table:{table_name}")
    state.last_seen = str(int(last)) if last else state.last_seen
    state.lines += result.read
    state.bad_lines += result.bad
    state.updated_at = utcnow()
    db.session.commit()
    return result


def _bound(column: sa.Column, epoch: float) -> object:
    """The watermark in the column's own kind of value, so the database compares it."""
    if isinstance(column.type, (sa.Integer, sa.Numeric, sa.Float)):
        return epoch
    moment = datetime.fromtimestamp(epoch, timezone.utc).replace(tzinfo=None)
    if isinstance(column.type, sa.DateTime):
        return moment
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def _epoch(value: object) -> float | None:
    if isinstance(value, datetime):
        return value.replace(tzinfo=value.tzinfo or timezone.utc).timestamp()
    if isinstance(value, (int, float)):
        return float(value)
    text = str(value or "").strip()
    try:
        return float(text)
    except ValueError:
        pass
    for fmt in ("%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=timezone.utc).timestamp()
        except ValueError:
            continue
    return None


def read_configured() -> int:
    """The worker's job: read ``QUEUE_LOG_TABLE_URL`` when it is set. Returns rows read."""
    url = current_app.config.get("QUEUE_LOG_TABLE_URL") or ""
    if not url:
        return 0
    return read_table(url, current_app.config.get("QUEUE_LOG_TABLE") or "queue_log").read
