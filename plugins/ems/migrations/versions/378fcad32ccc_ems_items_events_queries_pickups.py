"""ems items events queries pickups

Revision ID: 378fcad32ccc
Revises: 
Create Date: 2026-12-02 18:50:23.346134
"""
import sqlalchemy as sa
from alembic import op

revision = '378fcad32ccc'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('ems_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=13), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('serial', sa.String(length=13), nullable=False),
    sa.Column('service', sa.String(length=32), nullable=False),
    sa.Column('sender_name', sa.String(length=100), nullable=False),
    sa.Column('sender_phone', sa.String(length=32), nullable=False),
    sa.Column('recipient_name', sa.String(length=100), nullable=False),
    sa.Column('recipient_phone', sa.String(length=32), nullable=False),
    sa.Column('origin', sa.String(length=100), nullable=False),
    sa.Column('destination', sa.String(length=100), nullable=False),
    sa.Column('weight_g', sa.Integer(), nullable=True),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_ems_item_customer_id_customer'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ems_item')),
    sa.UniqueConstraint('number', name=op.f('uq_ems_item_number'))
    )
    with op.batch_alter_table('ems_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ems_item_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ems_item_recipient_phone'), ['recipient_phone'], unique=False)
        batch_op.create_index(batch_op.f('ix_ems_item_sender_phone'), ['sender_phone'], unique=False)
        batch_op.create_index(batch_op.f('ix_ems_item_serial'), ['serial'], unique=False)

    op.create_table('ems_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('place', sa.String(length=100), nullable=False),
    sa.Column('event', sa.String(length=200), nullable=False),
    sa.Column('office', sa.String(length=100), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['ems_item.id'], name=op.f('fk_ems_event_item_id_ems_item'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ems_event'))
    )
    with op.batch_alter_table('ems_event', schema=None) as batch_op:
        batch_op.create_index('ix_ems_event_item_at', ['item_id', 'at'], unique=False)

    op.create_table('ems_pickup',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('contact_name', sa.String(length=100), nullable=False),
    sa.Column('phone', sa.String(length=32), nullable=False),
    sa.Column('district', sa.String(length=50), nullable=False),
    sa.Column('address', sa.String(length=255), nullable=False),
    sa.Column('window_start', sa.DateTime(), nullable=False),
    sa.Column('window_end', sa.DateTime(), nullable=False),
    sa.Column('pieces', sa.Integer(), nullable=False),
    sa.Column('weight_g', sa.Integer(), nullable=True),
    sa.Column('contents', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('order_number', sa.String(length=20), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_ems_pickup_customer_id_customer'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_ems_pickup_user_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ems_pickup'))
    )
    with op.batch_alter_table('ems_pickup', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ems_pickup_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_ems_pickup_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ems_pickup_district'), ['district'], unique=False)
        batch_op.create_index(batch_op.f('ix_ems_pickup_order_number'), ['order_number'], unique=False)

    op.create_table('ems_query',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('channel', sa.String(length=8), nullable=False),
    sa.Column('number', sa.String(length=13), nullable=False),
    sa.Column('found', sa.Boolean(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    sa.Column('call_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['call_id'], ['ivr_call.id'], name=op.f('fk_ems_query_call_id_ivr_call'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_ems_query_customer_id_customer'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_ems_query_user_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ems_query'))
    )
    with op.batch_alter_table('ems_query', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ems_query_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_ems_query_customer_id'), ['customer_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('ems_query', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ems_query_customer_id'))
        batch_op.drop_index(batch_op.f('ix_ems_query_at'))

    op.drop_table('ems_query')
    with op.batch_alter_table('ems_pickup', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ems_pickup_order_number'))
        batch_op.drop_index(batch_op.f('ix_ems_pickup_district'))
        batch_op.drop_index(batch_op.f('ix_ems_pickup_customer_id'))
        batch_op.drop_index(batch_op.f('ix_ems_pickup_created_at'))

    op.drop_table('ems_pickup')
    with op.batch_alter_table('ems_event', schema=None) as batch_op:
        batch_op.drop_index('ix_ems_event_item_at')

    op.drop_table('ems_event')
    with op.batch_alter_table('ems_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ems_item_serial'))
        batch_op.drop_index(batch_op.f('ix_ems_item_sender_phone'))
        batch_op.drop_index(batch_op.f('ix_ems_item_recipient_phone'))
        batch_op.drop_index(batch_op.f('ix_ems_item_customer_id'))

    op.drop_table('ems_item')
