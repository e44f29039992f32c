"""Give the database connection back before the call waits for the caller.

A call lasts minutes and a caller takes seconds to press a key; a node that looked up a
customer and then asks something would otherwise keep a pooled connection (and, on
PostgreSQL, an open transaction) for as long as the caller thinks. With 500 calls and a
pool of 15 that is an outage. So before every channel command the call ends a read-only
transaction (a rollback: nothing to lose; loaded objects reload on their next use).

A transaction that wrote (pending objects, or a flush since it began) is left alone:
committing behind a node's back could book an order the caller never confirmed. Such a
node should commit before it talks to the caller; a debug line names the case."""
from __future__ import annotations

import logging
from typing import Any

from flask import has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from app.extensions import db

log = logging.getLogger("postline.ivr")
WROTE = "postline_ivr_wrote"


def _after_flush(session: Session, _context: Any) -> None:
    session.info[WROTE] = True


def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(WROTE, None)


def install() -> None:
    """Idempotent; called when the first call starts (no import-time side effects)."""
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
        event.listen(Session, "after_transaction_end", _after_transaction_end)


def release() -> None:
    """End the current app context's read-only transaction, if there is one."""
    if not has_app_context():
        return
    session = db.session()
    if not session.in_transaction():
        return
    if session.new or session.dirty or session.deleted or session.info.get(WROTE):
        log.debug("a node talks to the caller inside a transaction that wrote; "
                  "its connection stays checked out until it commits")
        return
    session.rollback()
