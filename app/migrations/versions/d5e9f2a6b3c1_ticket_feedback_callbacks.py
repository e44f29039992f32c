"""work orders: call-back tasks and their tries, where an order's satisfaction came from,
a customer's e-mail address

Revision ID: d5e9f2a6b3c1
Revises: d5e9a2c4b8f1
Create Date: 2026-12-03 00:10:00

New tables ticket_callback and ticket_callback_attempt; work_order gains
satisfaction_source ("" for the orders there are: nobody said where theirs came from) and
customer gains email ("" for every customer). Downgrade drops them again.
"""
import sqlalchemy as sa
from alembic import op

revision = 'd5e9f2a6b3c1'
down_revision = 'd5e9a2c4b8f1'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN (SQLite has it): no table is re-created under the foreign keys that
    # point at it.
    op.add_column('work_order', sa.Column('satisfaction_source', sa.String(length=16), server_default='',
                                          nullable=False))
    op.add_column('customer', sa.Column('email', sa.String(length=254), server_default='', nullable=False))
    op.create_table('ticket_callback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('phone', sa.String(length=32), nullable=False),
    sa.Column('due_at', sa.DateTime(), nullable=False),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('taken_by_id', sa.Integer(), nullable=True),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['assignee_id'], ['user_account.id'], name=op.f('fk_ticket_callback_assignee_id_user_account')),
    sa.ForeignKeyConstraint(['order_id'], ['work_order.id'], name=op.f('fk_ticket_callback_order_id_work_order')),
    sa.ForeignKeyConstraint(['taken_by_id'], ['user_account.id'], name=op.f('fk_ticket_callback_taken_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ticket_callback'))
    )
    op.create_index('ix_ticket_callback_open', 'ticket_callback', ['state', 'due_at'], unique=False)
    for column in ('order_id', 'assignee_id', 'taken_by_id'):
        op.create_index(op.f(f'ix_ticket_callback_{column}'), 'ticket_callback', [column], unique=False)
    op.create_table('ticket_callback_attempt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['call_id'], ['ivr_call.id'], name=op.f('fk_ticket_callback_attempt_call_id_ivr_call')),
    sa.ForeignKeyConstraint(['task_id'], ['ticket_callback.id'], name=op.f('fk_ticket_callback_attempt_task_id_ticket_callback')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ticket_callback_attempt'))
    )
    for column in ('task_id', 'call_id'):
        op.create_index(op.f(f'ix_ticket_callback_attempt_{column}'), 'ticket_callback_attempt', [column],
                        unique=False)


def downgrade() -> None:
    op.drop_table('ticket_callback_attempt')
    op.drop_table('ticket_callback')
    op.drop_column('customer', 'email')  # SQLite has DROP COLUMN since 3.35
    op.drop_column('work_order', 'satisfaction_source')

