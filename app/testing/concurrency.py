"""Two people saving at the same moment, for tests: each save runs in its own thread with its
own app context (so its own session and database connection), and the threads are made to
meet right after each has read what it is about to change, which is the moment a save that
reads-then-writes without a lock goes wrong.

When the code under test does lock, the second thread is waiting for the lock and never
arrives at the meeting point; the first then goes on alone after ``patience`` seconds. That
wait is a deadline for the meeting, not an assertion about speed."""
from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from flask import Flask
from sqlalchemy import event

from app.extensions import db

JOIN_SECONDS = 60


def at_once(app: Flask, saves: list[Callable[[], Any]], meet_after: Callable[[str], bool],
            patience: float = 2.0) -> list[Any]:
    """Run ``saves`` at once; each waits for the others after its first statement for which
    ``meet_after(sql)`` is true. Returns what each returned or the exception it raised."""
    barrier = threading.Barrier(len(saves))
    waiting: set[int] = set()
    results: list[Any] = [None] * len(saves)

    def after_execute(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        me = threading.get_ident()
        if me in waiting and meet_after(statement):
            waiting.discard(me)
            try:
                barrier.wait(patience)
            except threading.BrokenBarrierError:
                pass  # another save is held by a lock: go on alone

    def run(index: int, save: Callable[[], Any]) -> None:
        waiting.add(threading.get_ident())
        with app.app_context():
            try:
                results[index] = save()
            except Exception as exc:  # handed back to the test, which decides
                db.session.rollback()
                results[index] = exc

    engine = db.engine
    event.listen(engine, "after_cursor_execute", after_execute)
    try:
        threads = [threading.Thread(target=run, args=(i, save)) for i, save in enumerate(saves)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(JOIN_SECONDS)
    finally:
        event.remove(engine, "after_cursor_execute", after_execute)
    return results
