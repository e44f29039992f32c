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
from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import select

from app.bulk import Raced, insert_new, time_values
from app.cti.models import QueueLogEntry
from app.extensions import db
from app.pluginhost import deliver

#: Rows stored per statement and per roll-up call: big enough for speed, small enough that
#: a batch's call facts fit in memory.
BATCH = 20000

COLUMNS = ("key", "at", "callid", "queue", "agent", "event", "data1", "data2", "data3", "data4", "data5",
           "source")

#: Events Asterisk writes with an agent but no call (callid ``NONE``): agent sessions.
AGENT_EVENTS = frozenset({"ADDMEMBER", "REMOVEMEMBER", "PAUSE", "UNPAUSE", "PAUSEALL", "UNPAUSEALL",
                          "AGENTLOGIN", "AGENTLOGOFF", "AGENTCALLBACKLOGIN", "AGENTCALLBACKLOGOFF"})


class QueueLogRow(NamedTuple):
    """One queue_log line. ``epoch`` is Unix seconds (Asterisk writes whole seconds; a
    realtime table may keep fractions, which are dropped). A named tuple because the
    ingest makes millions of them: it is built several times faster than a dataclass."""

    epoch: int
    callid: str
    queue: str
    agent: str
    event: str
    data: tuple[str, str, str, str, str] = ("", "", "", "", "")

    @property
    def at(self) -> datetime:
        return utc_at(self.epoch)

    @property
    def key(self) -> str:
        """The digest that, with the time, tells a line stored already (16 hex digits: the
        first half of a 128-bit BLAKE2b, plenty to tell lines of the same second apart)."""
        line = "|".join((str(self.epoch), self.callid, self.queue, self.agent, self.event, *self.data))
        return hashlib.blake2b(line.encode(), digest_size=16).hexdigest()[:16]

    def number(self, index: int) -> int:
        """``data<index>`` (1-based) as a whole number; 0 when empty or not a number."""
        text = self.data[index - 1]
        if text.isdigit():
            return int(text)
        if not text:
            return 0
        try:
            return int(float(text))
        except ValueError:
            return 0


_UNIX_EPOCH = datetime(1970, 1, 1)


def utc_at(epoch: int) -> datetime:
    """A line's Unix time as the naive UTC time the rows keep."""
    return _UNIX_EPOCH + timedelta(seconds=epoch)


def epoch_of(at: datetime) -> int:
    """A stored naive UTC time as a line's Unix time."""
    return int((at - _UNIX_EPOCH).total_seconds())
_PADDING = ("",) * 5


class BadLine(ValueError):
    """A line that is not a queue_log line (too few fields, no epoch)."""


def parse_line(text: str) -> QueueLogRow:
    """One line of the file. Old Asterisk versions wrote the data as one field with ``|``
    inside it; fields beyond data5 are joined into data5 so nothing is lost."""
    parts = text.rstrip("\r\n").split("|")
    count = len(parts)
    if count < 5:
        raise BadLine(f"{count} fields, at least 5 expected")
    stamp = parts[0]
    try:
        epoch = int(stamp) if stamp.isdigit() else int(float(stamp))
    except ValueError:
        raise BadLine(f"the time {stamp[:20]!r} is not a Unix time") from None
    if not parts[4]:
        raise BadLine("no event")
    if count == 10:
        data = tuple(parts[5:])
    elif count < 10:
        data = (*parts[5:], *_PADDING[:10 - count])
    else:
        data = (*parts[5:9], "|".join(parts[9:]))
    if max(map(len, parts)) > 32:  # some field may be longer than its column: cut what is
        return QueueLogRow(epoch, parts[1][:64], parts[2][:64], parts[3][:128], parts[4][:32].upper(),
                           tuple(value[:255] for value in data))  # type: ignore[arg-type]
    return QueueLogRow(epoch, parts[1], parts[2], parts[3], parts[4].upper(), data)  # type: ignore[arg-type]


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

    Rows go in through the driver (:func:`app.bulk.insert_new`: building parameters
    through the ORM cost most of the time), and only those new to the unique (time, key)
    index count. Should the database be unable to tell which lines another import stored
    at the same time (SQLite), the batch fails rather than count a line twice."""
    result = StoreResult(read=len(rows))
    unique: dict[tuple[int, str], QueueLogRow] = {}
    for row in rows:
        unique.setdefault((row.epoch, row.key), row)
    if not unique:
        return result
    conn = db.session.connection()
    kept = list(unique.values())
    times = time_values(conn, [epoch for epoch, _ in unique])
    values = [(key, at, row.callid, row.queue, row.agent, row.event, *row.data, source)
              for at, (_, key), row in zip(times, unique, kept)]
    try:
        new = insert_new(conn, QueueLogEntry.__table__, COLUMNS, values, unique=("at", "key"))
    except Raced as exc:
        raise ConcurrentImport("another import stored some of these lines at the same time; "
                               "run it again") from exc
    added = [kept[position] for position in new]
    result.added = len(added)
    result.duplicates = result.read - result.added
    if added:
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
    return QueueLogRow(epoch_of(entry.at), entry.callid, entry.queue, entry.agent, entry.event,
                       (entry.data1, entry.data2, entry.data3, entry.data4, entry.data5))
