"""work order deadlines: the SLA table, escalations sent, staff phone and e-mail

Revision ID: d5e9a2c7b4f1
Revises: c3d8e1f4a7b2
Create Date: 2026-12-03 09:00:00

Two new tables (``ticket_sla``: working hours per type and priority, where a missing pair
keeps the code's default; ``ticket_escalation``: one row per order and level sent) and two
optional contact columns on staff accounts, empty for the users that exist.
"""
import sqlalchemy as sa
from alembic import op

revision = 'd5e9a2c7b4f1'
down_revision = 'c3d8e1f4a7b2'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('ticket_sla',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('type_code', sa.String(length=32), nullable=False),
    sa.Column('priority', sa.String(length=16), nullable=False),
    sa.Column('hours', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ticket_sla')),
    sa.UniqueConstraint('type_code', 'priority', name=op.f('uq_ticket_sla_type_code'))
    )
    op.create_table('ticket_escalation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('notified', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['work_order.id'], name=op.f('fk_ticket_escalation_order_id_work_order')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ticket_escalation')),
    sa.UniqueConstraint('order_id', 'level', name=op.f('uq_ticket_escalation_order_id'))
    )
    op.create_index(op.f('ix_ticket_escalation_order_id'), 'ticket_escalation', ['order_id'], unique=False)
    with op.batch_alter_table('user_account', recreate='never') as batch:
        batch.add_column(sa.Column('phone', sa.String(length=32), server_default='', nullable=False))
        batch.add_column(sa.Column('email', sa.String(length=254), server_default='', nullable=False))


def downgrade() -> None:
    # In place (SQLite 3.35+ drops a plain column): a copy of user_account would break the
    # foreign keys every other table holds on it.
    with op.batch_alter_table('user_account', recreate='never') as batch:
        batch.drop_column('email')
        batch.drop_column('phone')
    op.drop_index(op.f('ix_ticket_escalation_order_id'), table_name='ticket_escalation')
    op.drop_table('ticket_escalation')
    op.drop_table('ticket_sla')
