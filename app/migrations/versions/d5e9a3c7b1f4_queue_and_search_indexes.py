"""work orders: the open queue's index; customers: trigram indexes for the search

Revision ID: d5e9a3c7b1f4
Revises: d5e9f2a6b3c1
Create Date: 2026-12-03 00:10:00

The department queue lists the open orders of one department by deadline (``due_at``,
orders without one last, then ``id``): a partial index over exactly those rows in exactly
that order lets the database read the first page off the index instead of sorting all the
department's open orders, and count them from the index alone (bench/tickets.py,
docs/performance.md).

On PostgreSQL the customer search's "contains" matches (``LIKE '%…%'``: the tail of a
phone number an agent reads off a parcel, part of a name or an address) get trigram GIN
indexes (``pg_trgm``). The extension is created when missing; a role that may not create
it gets no trigram indexes (the search still works, by scanning) and a warning. The extension
goes into ``public`` when there is one. The indexes are over ``column::text``, the expression the ``LIKE`` compares, so the planner
uses them; SQLite gets none (it scans, which is fine at its scale).
"""
import logging

import sqlalchemy as sa
from alembic import op

revision = 'd5e9a3c7b1f4'
down_revision = 'd5e9f2a6b3c1'
branch_labels = None
depends_on = None

OPEN = "state IN ('new', 'assigned', 'processing', 'pending', 'returned', 'resulted', 'feedback')"
TRIGRAM = [
    ("ix_customer_phone_digits_trgm", "customer_phone", "digits"),
    ("ix_customer_name_trgm", "customer", "name"),
    ("ix_customer_address_detail_trgm", "customer_address", "detail"),
]
log = logging.getLogger("alembic.runtime.migration")


def upgrade() -> None:
    op.create_index('ix_work_order_open_queue', 'work_order', ['department_id', 'due_at', 'id'],
                    postgresql_where=sa.text(OPEN), sqlite_where=sa.text(OPEN))
    bind = op.get_bind()
    schema = _trigram_schema(bind) if bind.dialect.name == 'postgresql' else None
    if schema is None:
        return
    for name, table, column in TRIGRAM:
        op.execute(f'CREATE INDEX IF NOT EXISTS {name} ON {table} '
                   f'USING gin (({column}::text) "{schema}".gin_trgm_ops)')


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        for name, _table, _column in TRIGRAM:
            op.execute(f'DROP INDEX IF EXISTS {name}')
    op.drop_index('ix_work_order_open_queue', table_name='work_order')


def _trigram_schema(bind) -> str | None:
    """The schema holding pg_trgm's operator classes, creating the extension when missing:
    in ``public`` when there is one (so that dropping a site's own schema, as the tests do,
    never takes the extension away from the others), else in the current schema. ``None``
    (and a warning) where this role may not create it."""
    schema = _extension_schema(bind)
    if schema is not None:
        return schema
    for statement in ('CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public',
                      'CREATE EXTENSION IF NOT EXISTS pg_trgm'):
        savepoint = bind.begin_nested()
        try:
            bind.execute(sa.text(statement))
            savepoint.commit()
            return _extension_schema(bind)
        except sa.exc.DBAPIError as exc:
            savepoint.rollback()
            error = str(exc).splitlines()[0]
    log.warning("pg_trgm is not available (%s): the customer search gets no trigram indexes; "
                "a superuser can run CREATE EXTENSION pg_trgm and then this migration again", error)
    return None


def _extension_schema(bind) -> str | None:
    return bind.execute(sa.text("SELECT n.nspname FROM pg_extension e JOIN pg_namespace n "
                                "ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'")).scalar()
