"""Many rows written with the driver's own ``executemany`` (SQLite) or ``COPY``
(PostgreSQL), for the few paths where SQLAlchemy's per-row parameter building is most of
the cost (the queue_log ingest and its roll-ups: tens of thousands of rows a second). Values are converted the way SQLAlchemy
stores them, so rows written here and through the ORM read back and compare alike."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Date, DateTime, Table


def insert_many(conn: Connection, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]],
                on_conflict: str = "") -> int:
    """Insert ``rows`` (tuples in the order of ``columns``); ``on_conflict`` is the SQL after
    ``ON CONFLICT`` (the same on SQLite and PostgreSQL), e.g. ``(key) DO NOTHING``. Returns
    the number of rows the database reports as written (-1 when it cannot tell). Without
    ``on_conflict`` a row already there fails the statement with the driver's
    ``IntegrityError`` (on PostgreSQL the rows are COPied straight into the table)."""
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
        if not on_conflict:
            return _copy(cursor, table.name, columns, rows)
        return _copy_then_insert(cursor, table, columns, rows, on_conflict)
    finally:
        cursor.close()


def insert_new(conn: Connection, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]],
               unique: Sequence[str]) -> list[int]:
    """Insert those of ``rows`` not in ``table`` yet, told by the ``unique`` columns (a
    unique index leading with them), and return the positions of the rows inserted.

    PostgreSQL: ``COPY`` into a scratch table, then one ``INSERT … SELECT … ON CONFLICT DO
    NOTHING RETURNING``, which also tells rows another import stored meanwhile. SQLite: one
    indexed lookup per row, then ``executemany``; SQLite lets one writer in at a time, but
    should another import have written between lookup and insert, :class:`Raced` says so
    rather than count a row twice."""
    if not rows:
        return []
    at = [columns.index(name) for name in unique]
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        if conn.dialect.name != "sqlite":
            return _copy_returning(cursor, table, columns, rows, at)
        stored = _existing(cursor, table, unique, [[row[index] for index in at] for row in rows])
        new = [position for position in range(len(rows)) if position not in stored]
        conflict = ", ".join(quoted(name) for name in unique)
        written = insert_many(conn, table, columns, [rows[position] for position in new],
                              on_conflict=f"({conflict}) DO NOTHING")
        if written != len(new):
            raise Raced(f"{len(new) - written} of these rows were stored by someone else meanwhile")
        return new
    finally:
        cursor.close()


class Raced(RuntimeError):
    """Another writer stored some of the rows between the lookup and the insert."""


def _copy_returning(cursor: Any, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]],
                    at: list[int]) -> list[int]:
    names = ", ".join(quoted(name) for name in columns)
    scratch = f"_new_{table.name}"
    cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS {scratch} AS SELECT {names} FROM {table.name} WITH NO DATA")
    _copy(cursor, scratch, columns, rows)
    unique = ", ".join(quoted(columns[index]) for index in at)
    cursor.execute(f"INSERT INTO {table.name} ({names}) SELECT {names} FROM {scratch} "
                   f"ON CONFLICT ({unique}) DO NOTHING RETURNING {unique}")
    inserted = set(cursor.fetchall())
    cursor.execute(f"DROP TABLE {scratch}")
    return [position for position, row in enumerate(rows) if tuple(row[index] for index in at) in inserted]


def _existing(cursor: Any, table: Table, columns: Sequence[str], keys: Sequence[Sequence[Any]]) -> set[int]:
    """SQLite: the positions of ``keys`` already in ``table``, one indexed lookup each,
    joined to a ``VALUES`` list (``(a, b) IN (VALUES …)`` would scan the whole index)."""
    match = " AND ".join(f"t.{quoted(name)} = v.v{index}" for index, name in enumerate(columns))
    names = ", ".join(f"v{index}" for index in range(len(columns)))
    found: set[int] = set()
    for start in range(0, len(keys), 1000):
        chunk = _for_sqlite(table, columns, keys[start:start + 1000])
        values = ", ".join([f"({', '.join(['?'] * (len(columns) + 1))})"] * len(chunk))
        params = [value for offset, key in enumerate(chunk) for value in (start + offset, *key)]
        cursor.execute(f"WITH v(position, {names}) AS (VALUES {values}) "
                       f"SELECT v.position FROM v JOIN {table.name} t ON {match}", params)
        found.update(position for (position,) in cursor.fetchall())
    return found


def existing_values(conn: Connection, table: Table, column: str, values: Sequence[str]) -> set[str]:
    """Those of ``values`` (text) found in ``table.column`` (an indexed one): usually none of
    a fresh batch, so the rows themselves are read only for the few that are."""
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        if conn.dialect.name != "sqlite":
            cursor.execute(f"SELECT DISTINCT {quoted(column)} FROM {table.name} "
                           f"WHERE {quoted(column)} = ANY(%s)", [list(values)])
            return {value for (value,) in cursor.fetchall()}
        found: set[str] = set()
        for start in range(0, len(values), 1000):
            chunk = values[start:start + 1000]
            cursor.execute(f"SELECT DISTINCT {quoted(column)} FROM {table.name} "
                           f"WHERE {quoted(column)} IN ({', '.join(['?'] * len(chunk))})", list(chunk))
            found.update(value for (value,) in cursor.fetchall())
        return found
    finally:
        cursor.close()


def _copy(cursor: Any, name: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> int:
    with cursor.copy(f"COPY {name} ({', '.join(quoted(column) for column in columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
    return len(rows)


def _copy_then_insert(cursor: Any, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]],
                      on_conflict: str) -> int:
    """PostgreSQL: COPY into a temporary table of the same columns, then one INSERT … SELECT
    (psycopg's executemany costs a round trip per row)."""
    names = ", ".join(quoted(name) for name in columns)
    scratch = f"_bulk_{table.name}"
    cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS {scratch} AS SELECT {names} FROM {table.name} WITH NO DATA")
    _copy(cursor, scratch, columns, rows)
    cursor.execute(f"INSERT INTO {table.name} ({names}) SELECT {names} FROM {scratch}"
                   + (f" ON CONFLICT {on_conflict}" if on_conflict else ""))
    written = cursor.rowcount
    cursor.execute(f"DROP TABLE {scratch}")
    return written


def quoted(name: str) -> str:
    """A column name as SQL (``full`` is reserved on PostgreSQL)."""
    return f'"{name}"'


def time_values(conn: Connection, epochs: Sequence[int]) -> list[Any]:
    """Unix times as this database's ``DateTime`` values: the text SQLAlchemy writes on
    SQLite (made from a remembered minute and the second, a few times faster than a
    ``datetime`` and its ``isoformat``), naive UTC ``datetime`` objects elsewhere."""
    if conn.dialect.name != "sqlite":
        return [_UNIX_EPOCH + timedelta(seconds=epoch) for epoch in epochs]
    minutes: dict[int, str] = {}
    texts = []
    for epoch in epochs:
        minute, second = divmod(epoch, 60)
        prefix = minutes.get(minute)
        if prefix is None:
            prefix = minutes[minute] = (_UNIX_EPOCH + timedelta(minutes=minute)).strftime("%Y-%m-%d %H:%M:")
        texts.append(prefix + _SECONDS[second])
    return texts


_SECONDS = [f"{second:02d}.000000" for second in range(60)]
_UNIX_EPOCH = datetime(1970, 1, 1)


def _for_sqlite(table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> Sequence[Sequence[Any]]:
    """Dates and times in SQLAlchemy's SQLite storage formats (``DateTime`` always with
    microseconds), converted in the columns that hold them only. A column the first row
    holds as text is taken as converted already (:func:`time_values`)."""
    timed = [index for index, name in enumerate(columns)
             if isinstance(table.c[name].type, (DateTime, Date)) and not isinstance(rows[0][index], str)]
    if not timed:
        return rows
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
