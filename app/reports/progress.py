"""How a report builder says how far it has got, without knowing who listens.

A background build (:mod:`app.reports.runs`) sets a callback for the duration of the build;
a builder calls :func:`report_progress` from its loop. Outside a background build (the
page's direct download, ``postline reports build``) nobody listens and the calls cost
nothing: :func:`expected_rows` does not even count."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy import func, select

from app.extensions import db

#: Rows between two progress calls in the detail reports' loops.
PROGRESS_EVERY = 2000

_listener: ContextVar[Callable[[float], None] | None] = ContextVar("report_progress", default=None)


@contextmanager
def reporting_to(callback: Callable[[float], None]) -> Iterator[None]:
    """While the ``with`` block runs, :func:`report_progress` calls ``callback(share)``."""
    token = _listener.set(callback)
    try:
        yield
    finally:
        _listener.reset(token)


def observed() -> bool:
    return _listener.get() is not None


def report_progress(done: int, total: int | None) -> None:
    """``done`` of ``total`` steps are behind the builder (no total: nothing to say)."""
    callback = _listener.get()
    if callback is not None and total:
        callback(min(1.0, max(0.0, done / total)))


def expected_rows(stmt: Any) -> int | None:
    """How many rows ``stmt`` will give, when someone watches the build (else ``None``,
    and no count is run)."""
    if not observed():
        return None
    return db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))


def streamed_rows(stmt: Any, yield_per: int = 5000) -> Iterator[Any]:
    """The rows of a detail report's query, streamed (a year is millions of rows), with
    :func:`report_progress` called every :data:`PROGRESS_EVERY` rows. Streaming is set for
    this statement only: set on the connection, it would outlive the build and turn the
    next INSERT on PostgreSQL into a server-side cursor."""
    expected = expected_rows(stmt)
    result = db.session.connection().execute(stmt, execution_options={"stream_results": True,
                                                                       "yield_per": yield_per})
    for n, row in enumerate(result, 1):
        if n % PROGRESS_EVERY == 0:
            report_progress(n, expected)
        yield row
