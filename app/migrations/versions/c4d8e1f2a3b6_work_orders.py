"""work orders: orders, their category tree, day counters, history and pauses

Revision ID: c4d8e1f2a3b6
Revises: c4a8e1f2b6d3
Create Date: 2026-12-02 00:30:00

The work orders room's tables, all new: nothing existing changes.
"""
import sqlalchemy as sa
from alembic import op

revision = 'c4d8e1f2a3b6'
down_revision = 'c4a8e1f2b6d3'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('ticket_category',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('type_code', sa.String(length=32), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('weight', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['parent_id'], ['ticket_category.id'], name=op.f('fk_ticket_category_parent_id_ticket_category')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ticket_category')),
    sa.UniqueConstraint('type_code', 'parent_id', 'name', name=op.f('uq_ticket_category_type_code'))
    )
    op.create_index(op.f('ix_ticket_category_type_code'), 'ticket_category', ['type_code'], unique=False)
    op.create_table('ticket_day_counter',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('day', name=op.f('pk_ticket_day_counter'))
    )
    op.create_table('work_order',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('type_code', sa.String(length=32), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('priority', sa.String(length=16), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('extra', sa.Text(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    sa.Column('call_id', sa.Integer(), nullable=True),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('result', sa.Text(), nullable=False),
    sa.Column('feedback', sa.Text(), nullable=False),
    sa.Column('satisfaction', sa.String(length=20), nullable=False),
    sa.Column('merged_into_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('due_at', sa.DateTime(), nullable=True),
    sa.Column('row_version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('updated_by', sa.String(length=100), server_default='', nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['assignee_id'], ['user_account.id'], name=op.f('fk_work_order_assignee_id_user_account')),
    sa.ForeignKeyConstraint(['call_id'], ['ivr_call.id'], name=op.f('fk_work_order_call_id_ivr_call')),
    sa.ForeignKeyConstraint(['category_id'], ['ticket_category.id'], name=op.f('fk_work_order_category_id_ticket_category')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_work_order_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_work_order_customer_id_customer')),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_work_order_department_id_department')),
    sa.ForeignKeyConstraint(['merged_into_id'], ['work_order.id'], name=op.f('fk_work_order_merged_into_id_work_order')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_work_order')),
    sa.UniqueConstraint('number', name=op.f('uq_work_order_number'))
    )
    op.create_index('ix_work_order_queue', 'work_order', ['department_id', 'state', 'due_at'], unique=False)
    for column in ('type_code', 'state', 'customer_id', 'call_id', 'assignee_id', 'created_by_id', 'created_at'):
        op.create_index(op.f(f'ix_work_order_{column}'), 'work_order', [column], unique=False)
    op.create_table('ticket_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('field', sa.String(length=32), nullable=False),
    sa.Column('old', sa.Text(), nullable=False),
    sa.Column('new', sa.Text(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('public', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['work_order.id'], name=op.f('fk_ticket_entry_order_id_work_order')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ticket_entry'))
    )
    op.create_index(op.f('ix_ticket_entry_order_id'), 'ticket_entry', ['order_id'], unique=False)
    op.create_table('ticket_pause',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('ended_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['order_id'], ['work_order.id'], name=op.f('fk_ticket_pause_order_id_work_order')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ticket_pause'))
    )
    op.create_index(op.f('ix_ticket_pause_order_id'), 'ticket_pause', ['order_id'], unique=False)


def downgrade() -> None:
    op.drop_table('ticket_pause')
    op.drop_table('ticket_entry')
    op.drop_table('work_order')
    op.drop_table('ticket_day_counter')
    op.drop_table('ticket_category')
