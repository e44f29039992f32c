"""Following Asterisk's live queue_log file from the worker, every few seconds.

The file's inode and the byte offset read up to are kept in :class:`QueueLogSource`
(name = the path), so a restarted worker goes on where it stopped. Only complete lines are
read: a line Asterisk is still writing waits for the next run. When the inode changed or
the file got shorter than our offset, the file was rotated or truncated: the new file is
read from 0. Lines written to the old file after our last read are not lost only when the
old file is at ``<path>.1`` with the recorded inode — which is what logrotate does; they are
read from there first."""
from __future__ import annotations

import os

from flask import current_app
from sqlalchemy import select

from app.cti.models import QueueLogSource
from app.cti.queue_log import StoreResult, store_lines
from app.extensions import db
from app.timeutil import utcnow


def follow(path: str) -> StoreResult:
    """Read what was added to ``path`` since the last run and store it."""
    result = StoreResult()
    try:
        info = os.stat(path)
    except FileNotFoundError:  # Asterisk not started yet, or between rotation and reopening
        return result
    state = db.session.scalar(select(QueueLogSource).where(QueueLogSource.name == path))
    if state is None:
        state = QueueLogSource(name=path, inode=None, position=0, lines=0, bad_lines=0)
        db.session.add(state)
    if state.inode is not None and (state.inode != info.st_ino or info.st_size < state.position):
        if state.inode != info.st_ino:
            result.add(_finish_rotated(path, state))
        state.position = 0
    state.inode = info.st_ino
    part, state.position = _read_from(path, state.position)
    result.add(part)
    state.lines += result.read
    state.bad_lines += result.bad
    state.updated_at = utcnow()
    db.session.commit()
    return result


def _finish_rotated(path: str, state: QueueLogSource) -> StoreResult:
    old = path + ".1"
    try:
        if os.stat(old).st_ino != state.inode:
            return StoreResult()
    except FileNotFoundError:
        return StoreResult()
    return _read_from(old, state.position, partial_too=True)[0]


def _read_from(path: str, position: int, partial_too: bool = False) -> tuple[StoreResult, int]:
    """Store the complete lines from byte ``position``; returns the result and the new
    position (just after the last complete line). A rotated file is finished, so its
    last line is read even without its newline (``partial_too``)."""
    with open(path, "rb") as handle:
        handle.seek(position)
        data = handle.read()
    end = len(data) if partial_too else data.rfind(b"\n") + 1
    chunk = data[:end]
    if not chunk:
        return StoreResult(), position
    lines = chunk.decode("utf-8", errors="replace").splitlines()
    return store_lines(lines, os.path.basename(path)), position + end


def follow_configured() -> int:
    """The worker's job: follow ``QUEUE_LOG_PATH`` when it is set. Returns lines read."""
    path = current_app.config.get("QUEUE_LOG_PATH") or ""
    if not path:
        return 0
    return follow(path).read
