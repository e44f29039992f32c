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
    sql = (f"INSERT INTO {table.name} ({', '.join(quoted(name) for name in columns)}) "
           f"VALUES ({', '.join(['?'] * len(columns))})" + (f" ON CONFLICT {on_conflict}" if on_conflict else ""))
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        if sqlite:
            cursor.executemany(sql, _for_sqlite(table, columns, rows))
            return cursor.rowcount
        return _copy_then_insert(cursor, table, columns, rows, on_conflict)
    finally:
        cursor.close()


def _copy_then_insert(cursor: Any, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]],
                      on_conflict: str) -> int:
    """PostgreSQL: COPY into a temporary table of the same columns, then one INSERT … SELECT
    (psycopg's executemany costs a round trip per row)."""
    names = ", ".join(quoted(name) for name in columns)
    scratch = f"_bulk_{table.name}"
    cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS {scratch} AS SELECT {names} FROM {table.name} WITH NO DATA")
    with cursor.copy(f"COPY {scratch} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
    cursor.execute(f"INSERT INTO {table.name} ({names}) SELECT {names} FROM {scratch}"
                   + (f" ON CONFLICT {on_conflict}" if on_conflict else ""))
    written = cursor.rowcount
    cursor.execute(f"DROP TABLE {scratch}")
    return written


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
