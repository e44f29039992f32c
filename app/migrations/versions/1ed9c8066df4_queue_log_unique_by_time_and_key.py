"""queue_log lines unique by (time, key) instead of by key alone, with a 16-character key
(the first half of the former digest): new lines land at the end of the index instead of
at random places in it, and one index serves time ranges and duplicates. A downgrade
cannot give the keys their second half back: after it, lines imported again are new to
the old code.

Revision ID: 1ed9c8066df4
Revises: 39f05cf0feb5
Create Date: 2026-12-02 14:11:21.941770
"""
from alembic import op
import sqlalchemy as sa


revision = '1ed9c8066df4'
down_revision = '39f05cf0feb5'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('cti_queue_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cti_queue_log_at'))
        batch_op.drop_constraint(batch_op.f('uq_cti_queue_log_key'), type_='unique')
    op.execute("UPDATE cti_queue_log SET key = substr(key, 1, 16)")
    with op.batch_alter_table('cti_queue_log', schema=None) as batch_op:
        batch_op.alter_column('key', existing_type=sa.VARCHAR(length=32), type_=sa.String(length=16),
                              existing_nullable=False)
        batch_op.create_unique_constraint('uq_cti_queue_log_at_key', ['at', 'key'])


def downgrade() -> None:
    with op.batch_alter_table('cti_queue_log', schema=None) as batch_op:
        batch_op.drop_constraint('uq_cti_queue_log_at_key', type_='unique')
        batch_op.alter_column('key', existing_type=sa.String(length=16), type_=sa.VARCHAR(length=32),
                              existing_nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_cti_queue_log_key'), ['key'])
        batch_op.create_index(batch_op.f('ix_cti_queue_log_at'), ['at'], unique=False)
