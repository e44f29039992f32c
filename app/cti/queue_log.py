"""Asterisk's queue_log, read and stored: ``epoch|callid|queue|agent|EVENT|data1|...|data5``.

Whatever the source (the file, the realtime table, our own dialplan's ``QueueLog()``
lines), each line becomes a :class:`QueueLogRow` and goes through :func:`store`, which
keeps it once (a digest of the line is unique) and tells the statistics of the lines that
were new (``postline_queue_log_added``) in the same transaction, so the roll-ups never
disagree with the rows. Unknown events are kept like the others: Asterisk adds events
between versions, and a line we cannot read is counted, never fatal."""
from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone

from sqlalchemy import select

from app.bulk import insert_many
from app.cti.models import QueueLogEntry
from app.extensions import db
from app.pluginhost import deliver

#: Rows stored per statement and per roll-up call: big enough for speed, small enough that
#: a batch's call facts fit in memory.
BATCH = 5000

COLUMNS = ("key", "at", "callid", "queue", "agent", "event", "data1", "data2", "data3", "data4", "data5",
           "source")

#: Events Asterisk writes with an agent but no call (callid ``NONE``): agent sessions.
AGENT_EVENTS = frozenset({"ADDMEMBER", "REMOVEMEMBER", "PAUSE", "UNPAUSE", "PAUSEALL", "UNPAUSEALL",
                          "AGENTLOGIN", "AGENTLOGOFF", "AGENTCALLBACKLOGIN", "AGENTCALLBACKLOGOFF"})


@dataclass(frozen=True, slots=True)
class QueueLogRow:
    """One queue_log line. ``epoch`` is Unix seconds (Asterisk writes whole seconds; a
    realtime table may keep fractions, which are dropped)."""

    epoch: int
    callid: str
    queue: str
    agent: str
    event: str
    data: tuple[str, str, str, str, str] = ("", "", "", "", "")

    @property
    def at(self) -> datetime:
        return datetime.fromtimestamp(self.epoch, timezone.utc).replace(tzinfo=None)

    @property
    def key(self) -> str:
        line = "|".join((str(self.epoch), self.callid, self.queue, self.agent, self.event, *self.data))
        return hashlib.blake2b(line.encode(), digest_size=16).hexdigest()

    def number(self, index: int) -> int:
        """``data<index>`` (1-based) as a whole number; 0 when empty or not a number."""
        text = self.data[index - 1]
        try:
            return int(text)
        except ValueError:
            try:
                return int(float(text))
            except ValueError:
                return 0


class BadLine(ValueError):
    """A line that is not a queue_log line (too few fields, no epoch)."""


def parse_line(text: str) -> QueueLogRow:
    """One line of the file. Old Asterisk versions wrote the data as one field with ``|``
    inside it; fields beyond data5 are joined into data5 so nothing is lost."""
    parts = text.rstrip("\r\n").split("|")
    if len(parts) < 5:
        raise BadLine(f"{len(parts)} fields, at least 5 expected")
    try:
        epoch = int(parts[0]) if parts[0].isdigit() else int(float(parts[0]))
    except ValueError:
        raise BadLine(f"the time {parts[0][:20]!r} is not a Unix time") from None
    if not parts[4]:
        raise BadLine("no event")
    data = parts[5:]
    if len(data) > 5:
        data = [*data[:4], "|".join(data[4:])]
    data += [""] * (5 - len(data))
    if any(len(value) > 255 for value in data):
        data = [value[:255] for value in data]
    return QueueLogRow(epoch, parts[1][:64], parts[2][:64], parts[3][:128], parts[4][:32].upper(),
                       tuple(data))  # type: ignore[arg-type]


@dataclass
class StoreResult:
    read: int = 0
    added: int = 0
    duplicates: int = 0
    bad: int = 0
    #: (line number, text, why) of the first bad lines, for the report to the user.
    bad_examples: list[tuple[int, str, str]] = field(default_factory=list)

    def add(self, other: StoreResult) -> None:
        self.read += other.read
        self.added += other.added
        self.duplicates += other.duplicates
        self.bad += other.bad
        self.bad_examples.extend(other.bad_examples[: max(0, 20 - len(self.bad_examples))])


def store(rows: list[QueueLogRow], source: str) -> StoreResult:
    """Keep the rows not kept yet and tell the statistics of them; the caller commits.
    Rows repeated within ``rows`` count as duplicates too.

    The keys already stored are looked up first and only the others inserted, with the
    driver's ``executemany`` (RETURNING through the ORM cost most of the time). Should
    another import store one of them in between, the count of inserted rows tells, and
    the batch fails rather than count a line twice."""
    result = StoreResult(read=len(rows))
    unique: dict[str, QueueLogRow] = {}
    for row in rows:
        unique.setdefault(row.key, row)
    if not unique:
        return result
    conn = db.session.connection()
    table = QueueLogEntry.__table__
    keys = list(unique)
    for start in range(0, len(keys), 1000):
        chunk = keys[start:start + 1000]
        for (key,) in conn.execute(select(table.c.key).where(table.c.key.in_(chunk))):
            unique.pop(key, None)
    added = list(unique.values())
    result.added = len(added)
    result.duplicates = result.read - result.added
    if not added:
        return result
    values = [(key, row.at, row.callid, row.queue, row.agent, row.event, *row.data, source)
              for key, row in unique.items()]
    inserted = insert_many(conn, table, COLUMNS, values, on_conflict="(key) DO NOTHING")
    if inserted not in (len(values), -1):
        raise ConcurrentImport("another import stored some of these lines at the same time; run it again")
    deliver("postline_queue_log_added", rows=added)
    return result


class ConcurrentImport(RuntimeError):
    """Two imports of the same lines met; the later one's batch is rolled back."""


def store_lines(lines: Iterable[str], source: str, first_line: int = 1) -> StoreResult:
    """Read, keep and commit ``lines`` in batches of :data:`BATCH`; bad lines are counted."""
    result = StoreResult()
    for batch, bad in _batches(lines, first_line):
        part = store(batch, source)
        part.bad = len(bad)
        part.read += len(bad)
        part.bad_examples = bad[:20]
        db.session.commit()
        result.add(part)
    return result


def _batches(lines: Iterable[str], first_line: int) -> Iterator[tuple[list[QueueLogRow], list[tuple[int, str, str]]]]:
    batch: list[QueueLogRow] = []
    bad: list[tuple[int, str, str]] = []
    for number, text in enumerate(lines, start=first_line):
        if not text.strip():
            continue
        try:
            batch.append(parse_line(text))
        except BadLine as exc:
            bad.append((number, text.rstrip("\r\n")[:200], str(exc)))
        if len(batch) >= BATCH:
            yield batch, bad
            batch, bad = [], []
    if batch or bad:
        yield batch, bad


def rows_of_calls(callids: Iterable[str]) -> dict[str, list[QueueLogRow]]:
    """Every stored row of these calls, in the order Asterisk wrote them: the statistics
    recompute a call from all its rows when a late or corrected line comes."""
    ids = list(callids)
    found: dict[str, list[QueueLogRow]] = {callid: [] for callid in ids}
    for start in range(0, len(ids), 500):
        stmt = (select(QueueLogEntry).where(QueueLogEntry.callid.in_(ids[start:start + 500]))
                .order_by(QueueLogEntry.at, QueueLogEntry.id))
        for entry in db.session.scalars(stmt):
            found[entry.callid].append(entry_row(entry))
    return found


def entry_row(entry: QueueLogEntry) -> QueueLogRow:
    epoch = int(entry.at.replace(tzinfo=timezone.utc).timestamp())
    return QueueLogRow(epoch, entry.callid, entry.queue, entry.agent, entry.event,
                       (entry.data1, entry.data2, entry.data3, entry.data4, entry.data5))
