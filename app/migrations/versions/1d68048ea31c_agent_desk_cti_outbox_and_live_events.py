"""agent desk, CTI outbox and live events

Revision ID: 1d68048ea31c
Revises: d5e9a3c7b1f4
Create Date: 2026-12-04 00:10:00

New tables only: agents' profiles (member interface), skill groups, pause reasons, state
now and state log, desk calls with their summaries; the CTI outbox of AMI actions, the
live-event log the pages stream from, and the AMI link's state. Downgrade drops them.
"""
import sqlalchemy as sa
from alembic import op


revision = '1d68048ea31c'
down_revision = 'd5e9a3c7b1f4'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('agent_pause_reason',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('limit_minutes', sa.Integer(), nullable=True),
    sa.Column('counts_as_work', sa.Boolean(), nullable=False),
    sa.Column('weight', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agent_pause_reason')),
    sa.UniqueConstraint('code', name=op.f('uq_agent_pause_reason_code'))
    )
    op.create_table('cti_action',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('fields', sa.Text(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('requested_at', sa.DateTime(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.Column('done_at', sa.DateTime(), nullable=True),
    sa.Column('response', sa.Text(), nullable=False),
    sa.Column('error', sa.String(length=500), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cti_action'))
    )
    with op.batch_alter_table('cti_action', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cti_action_requested_at'), ['requested_at'], unique=False)
        batch_op.create_index('ix_cti_action_state', ['state', 'id'], unique=False)

    op.create_table('cti_link',
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('since', sa.DateTime(), nullable=False),
    sa.Column('detail', sa.String(length=500), nullable=False),
    sa.Column('host', sa.String(length=200), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('last_event_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_cti_link'))
    )
    op.create_table('cti_live_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('topic', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cti_live_event'))
    )
    with op.batch_alter_table('cti_live_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cti_live_event_at'), ['at'], unique=False)
        batch_op.create_index('ix_cti_live_event_topic', ['topic', 'id'], unique=False)

    op.create_table('agent_profile',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('interface', sa.String(length=128), nullable=False),
    sa.Column('member_name', sa.String(length=64), nullable=False),
    sa.Column('extension', sa.String(length=32), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_agent_profile_user_id_user_account')),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_agent_profile')),
    sa.UniqueConstraint('interface', name=op.f('uq_agent_profile_interface'))
    )
    op.create_table('agent_state_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.String(length=32), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('until', sa.DateTime(), nullable=True),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_agent_state_change_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agent_state_change'))
    )
    with op.batch_alter_table('agent_state_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agent_state_change_at'), ['at'], unique=False)
        batch_op.create_index('ix_agent_state_change_user_at', ['user_id', 'at'], unique=False)

    op.create_table('agent_skill',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('queue', sa.String(length=64), nullable=False),
    sa.Column('penalty', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['agent_profile.user_id'], name=op.f('fk_agent_skill_user_id_agent_profile')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agent_skill')),
    sa.UniqueConstraint('user_id', 'queue', name='uq_agent_skill')
    )
    with op.batch_alter_table('agent_skill', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agent_skill_user_id'), ['user_id'], unique=False)

    op.create_table('desk_call',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agent_id', sa.Integer(), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=True),
    sa.Column('uniqueid', sa.String(length=64), nullable=False),
    sa.Column('channel', sa.String(length=128), nullable=False),
    sa.Column('agent_channel', sa.String(length=128), nullable=False),
    sa.Column('direction', sa.String(length=16), nullable=False),
    sa.Column('queue', sa.String(length=64), nullable=False),
    sa.Column('caller', sa.String(length=64), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    sa.Column('offered_at', sa.DateTime(), nullable=False),
    sa.Column('answered_at', sa.DateTime(), nullable=True),
    sa.Column('ended_at', sa.DateTime(), nullable=True),
    sa.Column('hold_s', sa.Integer(), nullable=True),
    sa.Column('talk_s', sa.Integer(), nullable=True),
    sa.Column('transferred_from_id', sa.Integer(), nullable=True),
    sa.Column('transfer_kind', sa.String(length=16), nullable=False),
    sa.Column('ticket_type', sa.String(length=32), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('resolved', sa.Boolean(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('summarised_at', sa.DateTime(), nullable=True),
    sa.Column('work_order_id', sa.Integer(), nullable=True),
    sa.Column('row_version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('updated_by', sa.String(length=100), server_default='', nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['agent_id'], ['user_account.id'], name=op.f('fk_desk_call_agent_id_user_account')),
    sa.ForeignKeyConstraint(['call_id'], ['ivr_call.id'], name=op.f('fk_desk_call_call_id_ivr_call')),
    sa.ForeignKeyConstraint(['category_id'], ['ticket_category.id'], name=op.f('fk_desk_call_category_id_ticket_category')),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_desk_call_customer_id_customer')),
    sa.ForeignKeyConstraint(['transferred_from_id'], ['desk_call.id'], name=op.f('fk_desk_call_transferred_from_id_desk_call')),
    sa.ForeignKeyConstraint(['work_order_id'], ['work_order.id'], name=op.f('fk_desk_call_work_order_id_work_order')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_desk_call'))
    )
    with op.batch_alter_table('desk_call', schema=None) as batch_op:
        batch_op.create_index('ix_desk_call_agent_summary', ['agent_id', 'summarised_at', 'answered_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_desk_call_call_id'), ['call_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_desk_call_caller'), ['caller'], unique=False)
        batch_op.create_index(batch_op.f('ix_desk_call_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_desk_call_offered_at'), ['offered_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_desk_call_uniqueid'), ['uniqueid'], unique=False)
        batch_op.create_index(batch_op.f('ix_desk_call_work_order_id'), ['work_order_id'], unique=False)

    op.create_table('agent_status',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.String(length=32), nullable=False),
    sa.Column('since', sa.DateTime(), nullable=False),
    sa.Column('uniqueid', sa.String(length=64), nullable=False),
    sa.Column('queue', sa.String(length=64), nullable=False),
    sa.Column('desk_call_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['desk_call_id'], ['desk_call.id'], name=op.f('fk_agent_status_desk_call_id_desk_call')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_agent_status_user_id_user_account')),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_agent_status'))
    )


def downgrade() -> None:
    op.drop_table('agent_status')
    with op.batch_alter_table('desk_call', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_desk_call_work_order_id'))
        batch_op.drop_index(batch_op.f('ix_desk_call_uniqueid'))
        batch_op.drop_index(batch_op.f('ix_desk_call_offered_at'))
        batch_op.drop_index(batch_op.f('ix_desk_call_customer_id'))
        batch_op.drop_index(batch_op.f('ix_desk_call_caller'))
        batch_op.drop_index(batch_op.f('ix_desk_call_call_id'))
        batch_op.drop_index('ix_desk_call_agent_summary')

    op.drop_table('desk_call')
    with op.batch_alter_table('agent_skill', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agent_skill_user_id'))

    op.drop_table('agent_skill')
    with op.batch_alter_table('agent_state_change', schema=None) as batch_op:
        batch_op.drop_index('ix_agent_state_change_user_at')
        batch_op.drop_index(batch_op.f('ix_agent_state_change_at'))

    op.drop_table('agent_state_change')
    op.drop_table('agent_profile')
    with op.batch_alter_table('cti_live_event', schema=None) as batch_op:
        batch_op.drop_index('ix_cti_live_event_topic')
        batch_op.drop_index(batch_op.f('ix_cti_live_event_at'))

    op.drop_table('cti_live_event')
    op.drop_table('cti_link')
    with op.batch_alter_table('cti_action', schema=None) as batch_op:
        batch_op.drop_index('ix_cti_action_state')
        batch_op.drop_index(batch_op.f('ix_cti_action_requested_at'))

    op.drop_table('cti_action')
    op.drop_table('agent_pause_reason')
