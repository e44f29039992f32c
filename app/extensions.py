"""Flask extensions, created unbound so that ``create_app`` can bind them per app, and the
database engine's set-up."""
from __future__ import annotations

import math
from typing import Any

from flask_babel import Babel
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, Select, event, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names, so that Alembic migrations behave the same on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()


def configure_sqlite(engine: Engine) -> None:
    """SQLite as the embedded default: web, agi and worker share one file, so use WAL
    (readers do not block the writer) with ``synchronous=NORMAL`` (SQLite's advice for WAL:
    still safe from corruption, and a commit no longer waits for the disk, which is what
    made the queue_log ingest slow), wait for locks instead of failing, and enforce foreign
    keys. Nothing to do for other databases."""
    if engine.dialect.name == "sqlite" and not event.contains(engine, "connect", _sqlite_pragmas):
        event.listen(engine, "connect", _sqlite_pragmas)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def clamped_page(query: Select, order_by: Any, wanted: int, size: int) -> tuple[list[Any], int, int, int]:
    """Page ``wanted`` of ``query`` (``size`` rows, in ``order_by``) as (rows, number, pages,
    total): a number before the first or past the last page gives that page, so a link
    kept from a longer list still shows something instead of an error."""
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, math.ceil(total / size))
    number = min(max(wanted, 1), pages)
    rows = db.session.scalars(query.order_by(order_by).offset((number - 1) * size).limit(size)).all()
    return list(rows), number, pages, total
