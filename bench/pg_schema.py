"""A benchmark's own PostgreSQL schema: made fresh (dropped first), given to the benchmark as
a database URL whose search path is that schema, and dropped again at the end unless kept."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text


@contextmanager
def bench_schema(database_url: str, schema: str, *, fresh: bool = True, keep: bool = False) -> Iterator[str]:
    if not database_url.startswith("postgresql"):
        raise SystemExit("this benchmark is for PostgreSQL (--database-url postgresql+psycopg://...)")
    admin = create_engine(database_url)
    if fresh:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in database_url else "?"
    try:
        yield f"{database_url}{sep}options=-csearch_path%3D{schema}"
    finally:
        if not keep:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()
