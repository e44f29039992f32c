"""calendar statutory flag: a calendar may follow China's statutory holidays and 调休 days

Revision ID: c4a8e1f2b6d3
Revises: c4d8e1f2a7b3
Create Date: 2026-12-02 00:30:00

Existing calendars (the IVR lines') start with the flag off, so that what callers hear does
not change until an administrator turns it on. On SQLite the column is added and dropped in
place (ALTER TABLE), not by copying the table.
"""
import sqlalchemy as sa
from alembic import op

revision = 'c4a8e1f2b6d3'
down_revision = 'c4d8e1f2a7b3'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('calendar', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('statutory', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    # Not a copy of the table on SQLite (other tables refer to it, and dropping the old copy
    # would break their foreign keys): SQLite 3.35+ drops a plain column in place.
    with op.batch_alter_table('calendar', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('statutory')
