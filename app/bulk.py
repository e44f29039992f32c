"""Many rows written with the driver's own ``executemany``, for the few paths where
SQLAlchemy's per-row parameter building is most of the cost (the queue_log ingest and its
roll-ups: tens of thousands of rows a second). Values are converted the way SQLAlchemy
stores them, so rows written here and through the ORM read back and compare alike."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Date, DateTime, Table


def insert_many(conn: Connection, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]],
                on_conflict: str = "") -> int:
    """Insert ``rows`` (tuples in the order of ``columns``); ``on_conflict`` is the SQL after
    ``ON CONFLICT`` (the same on SQLite and PostgreSQL), e.g. ``(key) DO NOTHING``. Returns
    the number of rows the database reports as written (-1 when it cannot tell)."""
    if not rows:
        return 0
    sqlite = conn.dialect.name == "sqlite"
    marker = "?" if sqlite else "%s"
    sql = (f"INSERT INTO {table.name} ({', '.join(quoted(name) for name in columns)}) VALUES ({', '.join([marker] * len(columns))})"
           + (f" ON CONFLICT {on_conflict}" if on_conflict else ""))
    if sqlite:
        rows = _for_sqlite(table, columns, rows)
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.executemany(sql, rows)
        return cursor.rowcount
    finally:
        cursor.close()


def quoted(name: str) -> str:
    """A column name as SQL (``full`` is reserved on PostgreSQL)."""
    return f'"{name}"'


def _for_sqlite(table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[Sequence[Any]]:
    """Dates and times in SQLAlchemy's SQLite storage formats (``DateTime`` always with
    microseconds), converted in the columns that hold them only."""
    timed = [index for index, name in enumerate(columns)
             if isinstance(table.c[name].type, (DateTime, Date))]
    if not timed:
        return list(rows)
    converted = []
    for row in rows:
        values = list(row)
        for index in timed:
            value = values[index]
            if type(value) is datetime:
                values[index] = value.isoformat(" ", "microseconds")
            elif isinstance(value, date):
                values[index] = value.isoformat()
        converted.append(values)
    return converted
