"""edit versions: lines and users carry a row version and who saved them last

Revision ID: 5b7e2c9d4a10
Revises: b7c41e9a2d05
Create Date: 2026-12-01 23:20:00

A save claims the version its form was opened with (app/audit/editing.py), so that two
editors of one line or user cannot silently overwrite each other. Existing rows start at 1,
saved by nobody in particular.
"""
import sqlalchemy as sa
from alembic import op

revision = '5b7e2c9d4a10'
down_revision = 'b7c41e9a2d05'
branch_labels = None
depends_on = None

TABLES = ('ivr_line', 'user_account')


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('row_version', sa.Integer(), server_default='1', nullable=False))
            batch_op.add_column(sa.Column('updated_by', sa.String(length=100), server_default='',
                                          nullable=False))
            batch_op.add_column(sa.Column('updated_at', sa.DateTime(), nullable=True))


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('updated_at')
            batch_op.drop_column('updated_by')
            batch_op.drop_column('row_version')
