"""notify message log: every message sent to a customer or to staff, with its delivery

Revision ID: c4d8e1f2a7b3
Revises: 3c8d1f6a2b47
Create Date: 2026-12-02 00:30:00

One row per message (SMS, e-mail): logged before it is sent, then its status, error, tries
and times; what it is about is a generic type and id so that any room can send.
"""
import sqlalchemy as sa
from alembic import op

revision = 'c4d8e1f2a7b3'
down_revision = '3c8d1f6a2b47'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('notify_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('notifier', sa.String(length=100), nullable=False),
    sa.Column('recipient', sa.String(length=254), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('reference', sa.String(length=200), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('subject_type', sa.String(length=32), nullable=False),
    sa.Column('subject_id', sa.String(length=64), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_attempt_at', sa.DateTime(), nullable=True),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.Column('retry_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notify_message'))
    )
    with op.batch_alter_table('notify_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notify_message_created_at'), ['created_at'], unique=False)
        batch_op.create_index('ix_notify_message_retry', ['status', 'retry_at'], unique=False)
        batch_op.create_index('ix_notify_message_subject', ['subject_type', 'subject_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('notify_message', schema=None) as batch_op:
        batch_op.drop_index('ix_notify_message_subject')
        batch_op.drop_index('ix_notify_message_retry')
        batch_op.drop_index(batch_op.f('ix_notify_message_created_at'))
    op.drop_table('notify_message')
