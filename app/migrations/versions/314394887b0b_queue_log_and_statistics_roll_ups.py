"""Asterisk's queue_log as stored lines, the follower's place in each source, and the
statistics: one fact per queued call and the hourly roll-ups of queues, agents and pauses.

Revision ID: 314394887b0b
Revises: a79735b13d38
Create Date: 2026-12-02 12:14:10.340369
"""
from alembic import op
import sqlalchemy as sa


revision = '314394887b0b'
down_revision = 'a79735b13d38'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('cti_queue_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=32), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('callid', sa.String(length=64), nullable=False),
    sa.Column('queue', sa.String(length=64), nullable=False),
    sa.Column('agent', sa.String(length=128), nullable=False),
    sa.Column('event', sa.String(length=32), nullable=False),
    sa.Column('data1', sa.String(length=255), nullable=False),
    sa.Column('data2', sa.String(length=255), nullable=False),
    sa.Column('data3', sa.String(length=255), nullable=False),
    sa.Column('data4', sa.String(length=255), nullable=False),
    sa.Column('data5', sa.String(length=255), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cti_queue_log')),
    sa.UniqueConstraint('key', name=op.f('uq_cti_queue_log_key'))
    )
    with op.batch_alter_table('cti_queue_log', schema=None) as batch_op:
        batch_op.create_index('ix_cti_queue_log_at', ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_cti_queue_log_callid'), ['callid'], unique=False)

    op.create_table('cti_queue_log_source',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('inode', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('last_seen', sa.String(length=64), nullable=False),
    sa.Column('lines', sa.Integer(), nullable=False),
    sa.Column('bad_lines', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cti_queue_log_source')),
    sa.UniqueConstraint('name', name=op.f('uq_cti_queue_log_source_name'))
    )
    op.create_table('stats_agent_hour',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agent', sa.String(length=128), nullable=False),
    sa.Column('queue', sa.String(length=64), nullable=False),
    sa.Column('answered', sa.Integer(), nullable=False),
    sa.Column('hold_s', sa.Integer(), nullable=False),
    sa.Column('completed', sa.Integer(), nullable=False),
    sa.Column('talk_s', sa.Integer(), nullable=False),
    sa.Column('acw_calls', sa.Integer(), nullable=False),
    sa.Column('acw_s', sa.Integer(), nullable=False),
    sa.Column('ringnoanswer', sa.Integer(), nullable=False),
    sa.Column('transferred', sa.Integer(), nullable=False),
    sa.Column('login_s', sa.Integer(), nullable=False),
    sa.Column('pause_s', sa.Integer(), nullable=False),
    sa.Column('hour', sa.DateTime(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('week', sa.Date(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('hour_of_day', sa.Integer(), nullable=False),
    sa.Column('weekday', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stats_agent_hour')),
    sa.UniqueConstraint('hour', 'agent', 'queue', name='uq_stats_agent_hour')
    )
    with op.batch_alter_table('stats_agent_hour', schema=None) as batch_op:
        batch_op.create_index('ix_stats_agent_hour_day', ['day', 'agent'], unique=False)

    op.create_table('stats_agent_pause_hour',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agent', sa.String(length=128), nullable=False),
    sa.Column('reason', sa.String(length=64), nullable=False),
    sa.Column('pauses', sa.Integer(), nullable=False),
    sa.Column('pause_s', sa.Integer(), nullable=False),
    sa.Column('hour', sa.DateTime(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('week', sa.Date(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('hour_of_day', sa.Integer(), nullable=False),
    sa.Column('weekday', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stats_agent_pause_hour')),
    sa.UniqueConstraint('hour', 'agent', 'reason', name='uq_stats_agent_pause_hour')
    )
    op.create_table('stats_queue_call',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('callid', sa.String(length=64), nullable=False),
    sa.Column('queue', sa.String(length=64), nullable=False),
    sa.Column('segment', sa.Integer(), nullable=False),
    sa.Column('counted', sa.Boolean(), nullable=False),
    sa.Column('entered_at', sa.DateTime(), nullable=False),
    sa.Column('caller', sa.String(length=64), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('agent', sa.String(length=128), nullable=False),
    sa.Column('hold_s', sa.Integer(), nullable=False),
    sa.Column('talk_s', sa.Integer(), nullable=False),
    sa.Column('ring_s', sa.Integer(), nullable=False),
    sa.Column('acw_s', sa.Integer(), nullable=True),
    sa.Column('completed', sa.Boolean(), nullable=False),
    sa.Column('ended_by', sa.String(length=16), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('entry_position', sa.Integer(), nullable=False),
    sa.Column('exit_key', sa.String(length=8), nullable=False),
    sa.Column('ringnoanswer', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stats_queue_call')),
    sa.UniqueConstraint('callid', 'queue', 'segment', name='uq_stats_queue_call')
    )
    with op.batch_alter_table('stats_queue_call', schema=None) as batch_op:
        batch_op.create_index('ix_stats_queue_call_agent', ['agent', 'entered_at'], unique=False)
        batch_op.create_index('ix_stats_queue_call_entered', ['entered_at'], unique=False)

    op.create_table('stats_queue_hour',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('queue', sa.String(length=64), nullable=False),
    sa.Column('received', sa.Integer(), nullable=False),
    sa.Column('calls', sa.Integer(), nullable=False),
    sa.Column('answered', sa.Integer(), nullable=False),
    sa.Column('abandoned', sa.Integer(), nullable=False),
    sa.Column('timeout', sa.Integer(), nullable=False),
    sa.Column('exitkey', sa.Integer(), nullable=False),
    sa.Column('exitempty', sa.Integer(), nullable=False),
    sa.Column('full', sa.Integer(), nullable=False),
    sa.Column('joinempty', sa.Integer(), nullable=False),
    sa.Column('closed', sa.Integer(), nullable=False),
    sa.Column('transferred', sa.Integer(), nullable=False),
    sa.Column('sl_answered', sa.Integer(), nullable=False),
    sa.Column('answered_10', sa.Integer(), nullable=False),
    sa.Column('answered_20', sa.Integer(), nullable=False),
    sa.Column('answered_30', sa.Integer(), nullable=False),
    sa.Column('answered_60', sa.Integer(), nullable=False),
    sa.Column('answered_120', sa.Integer(), nullable=False),
    sa.Column('abandoned_10', sa.Integer(), nullable=False),
    sa.Column('abandoned_30', sa.Integer(), nullable=False),
    sa.Column('abandoned_60', sa.Integer(), nullable=False),
    sa.Column('abandoned_120', sa.Integer(), nullable=False),
    sa.Column('hold_s', sa.Integer(), nullable=False),
    sa.Column('abandon_wait_s', sa.Integer(), nullable=False),
    sa.Column('completed', sa.Integer(), nullable=False),
    sa.Column('talk_s', sa.Integer(), nullable=False),
    sa.Column('acw_calls', sa.Integer(), nullable=False),
    sa.Column('acw_s', sa.Integer(), nullable=False),
    sa.Column('ringnoanswer', sa.Integer(), nullable=False),
    sa.Column('hour', sa.DateTime(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('week', sa.Date(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('hour_of_day', sa.Integer(), nullable=False),
    sa.Column('weekday', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stats_queue_hour')),
    sa.UniqueConstraint('hour', 'queue', name='uq_stats_queue_hour')
    )
    with op.batch_alter_table('stats_queue_hour', schema=None) as batch_op:
        batch_op.create_index('ix_stats_queue_hour_day', ['day', 'queue'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('stats_queue_hour', schema=None) as batch_op:
        batch_op.drop_index('ix_stats_queue_hour_day')

    op.drop_table('stats_queue_hour')
    with op.batch_alter_table('stats_queue_call', schema=None) as batch_op:
        batch_op.drop_index('ix_stats_queue_call_entered')
        batch_op.drop_index('ix_stats_queue_call_agent')

    op.drop_table('stats_queue_call')
    op.drop_table('stats_agent_pause_hour')
    with op.batch_alter_table('stats_agent_hour', schema=None) as batch_op:
        batch_op.drop_index('ix_stats_agent_hour_day')

    op.drop_table('stats_agent_hour')
    op.drop_table('cti_queue_log_source')
    with op.batch_alter_table('cti_queue_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cti_queue_log_callid'))
        batch_op.drop_index('ix_cti_queue_log_at')

    op.drop_table('cti_queue_log')
