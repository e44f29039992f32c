"""agent queue membership and waiting callers

Revision ID: 033f57391162
Revises: 1d68048ea31c
Create Date: 2026-12-02 05:10:55

New tables only, mirrors of what Asterisk reports for the agent desk: the queues each
agent is a member of now, with his phone's device state (QueueMemberAdded/Removed/Status),
and the callers waiting in each queue (QueueCallerJoin/Leave/Abandon). Downgrade drops them.
"""
import sqlalchemy as sa
from alembic import op


revision = '033f57391162'
down_revision = '1d68048ea31c'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('agent_queue_waiting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uniqueid', sa.String(length=64), nullable=False),
    sa.Column('queue', sa.String(length=64), nullable=False),
    sa.Column('caller', sa.String(length=64), nullable=False),
    sa.Column('joined_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agent_queue_waiting')),
    sa.UniqueConstraint('uniqueid', 'queue', name='uq_agent_queue_waiting')
    )
    with op.batch_alter_table('agent_queue_waiting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agent_queue_waiting_queue'), ['queue'], unique=False)

    op.create_table('agent_queue_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('queue', sa.String(length=64), nullable=False),
    sa.Column('device_status', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_agent_queue_member_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agent_queue_member')),
    sa.UniqueConstraint('user_id', 'queue', name='uq_agent_queue_member')
    )
    with op.batch_alter_table('agent_queue_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agent_queue_member_user_id'), ['user_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('agent_queue_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agent_queue_member_user_id'))

    op.drop_table('agent_queue_member')
    with op.batch_alter_table('agent_queue_waiting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agent_queue_waiting_queue'))

    op.drop_table('agent_queue_waiting')
