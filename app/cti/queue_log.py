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

from sqlalchemy import insert, select

from app.cti.models import QueueLogEntry
from app.extensions import db
from app.pluginhost import deliver

#: Rows stored per statement and per roll-up call: big enough for speed, small enough that
#: a batch's call facts fit in memory.
BATCH = 5000

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
        epoch = int(float(parts[0]))
    except ValueError:
        raise BadLine(f"the time {parts[0][:20]!r} is not a Unix time") from None
    if not parts[4]:
        raise BadLine("no event")
    data = parts[5:]
    if len(data) > 5:
        data = [*data[:4], "|".join(data[4:])]
    data += [""] * (5 - len(data))
    return QueueLogRow(epoch, parts[1][:64], parts[2][:64], parts[3][:128], parts[4][:32].upper(),
                       tuple(value[:255] for value in data))  # type: ignore[arg-type]


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
    Rows repeated within ``rows`` count as duplicates too."""
    result = StoreResult(read=len(rows))
    unique: dict[str, QueueLogRow] = {}
    for row in rows:
        unique.setdefault(row.key, row)
    if not unique:
        return result
    values = [{"key": key, "at": row.at, "callid": row.callid, "queue": row.queue, "agent": row.agent,
               "event": row.event, "data1": row.data[0], "data2": row.data[1], "data3": row.data[2],
               "data4": row.data[3], "data5": row.data[4], "source": source}
              for key, row in unique.items()]
    stmt = _insert_ignoring_duplicates().returning(QueueLogEntry.key)
    added_keys = set(db.session.scalars(stmt, values))
    added = [row for key, row in unique.items() if key in added_keys]
    result.added = len(added)
    result.duplicates = result.read - result.added
    if added:
        deliver("postline_queue_log_added", rows=added)
    return result


def _insert_ignoring_duplicates():  # type: ignore[no-untyped-def]
    if db.engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    elif db.engine.dialect.name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    else:  # pragma: no cover - PostLine runs on SQLite and PostgreSQL
        return insert(QueueLogEntry).prefix_with("IGNORE")
    return dialect_insert(QueueLogEntry).on_conflict_do_nothing(index_elements=["key"])


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
