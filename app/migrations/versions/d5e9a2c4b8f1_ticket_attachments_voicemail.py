"""work orders: attachments, voice messages that became orders, per-line voicemail routes

Revision ID: d5e9a2c4b8f1
Revises: d5e9a2c7b4f1
Create Date: 2026-12-03 09:00:00

New tables ticket_attachment (files given to an order, never deleted) and
ticket_voicemail_route (what a hotline's voice messages become); work_order gains
voicemail_id, unique, so that a voice message becomes one order however often the
conversion runs. Nothing existing changes.
"""
import sqlalchemy as sa
from alembic import op

revision = 'd5e9a2c4b8f1'
down_revision = 'd5e9a2c7b4f1'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('ticket_attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('stored_name', sa.String(length=255), nullable=False),
    sa.Column('original_name', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_by', sa.String(length=100), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', sa.DateTime(), nullable=False),
    sa.Column('voicemail_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['order_id'], ['work_order.id'], name=op.f('fk_ticket_attachment_order_id_work_order')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user_account.id'], name=op.f('fk_ticket_attachment_uploaded_by_id_user_account')),
    sa.ForeignKeyConstraint(['voicemail_id'], ['ivr_voicemail.id'], name=op.f('fk_ticket_attachment_voicemail_id_ivr_voicemail')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ticket_attachment')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_ticket_attachment_stored_name'))
    )
    op.create_index(op.f('ix_ticket_attachment_order_id'), 'ticket_attachment', ['order_id'], unique=False)
    op.create_index(op.f('ix_ticket_attachment_voicemail_id'), 'ticket_attachment', ['voicemail_id'], unique=False)
    op.create_table('ticket_voicemail_route',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('line_id', sa.Integer(), nullable=False),
    sa.Column('type_code', sa.String(length=32), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('priority', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['category_id'], ['ticket_category.id'], name=op.f('fk_ticket_voicemail_route_category_id_ticket_category')),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_ticket_voicemail_route_department_id_department')),
    sa.ForeignKeyConstraint(['line_id'], ['ivr_line.id'], name=op.f('fk_ticket_voicemail_route_line_id_ivr_line')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ticket_voicemail_route')),
    sa.UniqueConstraint('line_id', name=op.f('uq_ticket_voicemail_route_line_id'))
    )
    with op.batch_alter_table('work_order', schema=None) as batch_op:
        batch_op.add_column(sa.Column('voicemail_id', sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_work_order_voicemail_id'), ['voicemail_id'])
        batch_op.create_foreign_key(batch_op.f('fk_work_order_voicemail_id_ivr_voicemail'), 'ivr_voicemail',
                                    ['voicemail_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('work_order', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_work_order_voicemail_id_ivr_voicemail'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_work_order_voicemail_id'), type_='unique')
        batch_op.drop_column('voicemail_id')
    op.drop_table('ticket_voicemail_route')
    op.drop_index(op.f('ix_ticket_attachment_voicemail_id'), table_name='ticket_attachment')
    op.drop_index(op.f('ix_ticket_attachment_order_id'), table_name='ticket_attachment')
    op.drop_table('ticket_attachment')
