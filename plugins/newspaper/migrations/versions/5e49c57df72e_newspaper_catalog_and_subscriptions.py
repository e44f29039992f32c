"""newspaper catalog and subscriptions

Revision ID: 5e49c57df72e
Revises: 
Create Date: 2026-12-02 18:51:14.894879
"""
import sqlalchemy as sa
from alembic import op

revision = '5e49c57df72e'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('newspaper_title',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('publisher', sa.String(length=100), nullable=False),
    sa.Column('frequency', sa.String(length=16), nullable=False),
    sa.Column('price_issue_fen', sa.Integer(), nullable=False),
    sa.Column('price_month_fen', sa.Integer(), nullable=False),
    sa.Column('periods', sa.String(length=32), nullable=False),
    sa.Column('deadline_day', sa.Integer(), nullable=False),
    sa.Column('orders_until', sa.Date(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_newspaper_title')),
    sa.UniqueConstraint('code', name=op.f('uq_newspaper_title_code'))
    )
    with op.batch_alter_table('newspaper_title', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_newspaper_title_title'), ['title'], unique=False)

    op.create_table('newspaper_subscriber',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('phone', sa.String(length=32), nullable=False),
    sa.Column('phone_digits', sa.String(length=32), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    sa.Column('pin_hash', sa.String(length=255), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_newspaper_subscriber_customer_id_customer'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_newspaper_subscriber')),
    sa.UniqueConstraint('account', name=op.f('uq_newspaper_subscriber_account'))
    )
    with op.batch_alter_table('newspaper_subscriber', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_newspaper_subscriber_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_newspaper_subscriber_phone_digits'), ['phone_digits'], unique=False)

    op.create_table('newspaper_address',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subscriber_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('district', sa.String(length=32), nullable=False),
    sa.Column('detail', sa.String(length=255), nullable=False),
    sa.Column('postcode', sa.String(length=6), nullable=False),
    sa.ForeignKeyConstraint(['subscriber_id'], ['newspaper_subscriber.id'], name=op.f('fk_newspaper_address_subscriber_id_newspaper_subscriber'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_newspaper_address'))
    )
    with op.batch_alter_table('newspaper_address', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_newspaper_address_subscriber_id'), ['subscriber_id'], unique=False)

    op.create_table('newspaper_subscription',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subscriber_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    sa.Column('title_id', sa.Integer(), nullable=False),
    sa.Column('months', sa.Integer(), nullable=False),
    sa.Column('copies', sa.Integer(), nullable=False),
    sa.Column('start', sa.Date(), nullable=False),
    sa.Column('end', sa.Date(), nullable=False),
    sa.Column('month_price_fen', sa.Integer(), nullable=False),
    sa.Column('amount_fen', sa.Integer(), nullable=False),
    sa.Column('district', sa.String(length=32), nullable=False),
    sa.Column('address', sa.String(length=255), nullable=False),
    sa.Column('postcode', sa.String(length=6), nullable=False),
    sa.Column('channel', sa.String(length=8), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('cancelled_at', sa.DateTime(), nullable=True),
    sa.Column('cancelled_by', sa.String(length=100), nullable=False),
    sa.Column('stop_from', sa.Date(), nullable=True),
    sa.Column('refund_months', sa.Integer(), nullable=False),
    sa.Column('refund_fen', sa.Integer(), nullable=False),
    sa.Column('reminded_at', sa.DateTime(), nullable=True),
    sa.Column('request_key', sa.String(length=64), nullable=True),
    sa.Column('cancel_key', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_newspaper_subscription_customer_id_customer'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['subscriber_id'], ['newspaper_subscriber.id'], name=op.f('fk_newspaper_subscription_subscriber_id_newspaper_subscriber')),
    sa.ForeignKeyConstraint(['title_id'], ['newspaper_title.id'], name=op.f('fk_newspaper_subscription_title_id_newspaper_title')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_newspaper_subscription')),
    sa.UniqueConstraint('cancel_key', name=op.f('uq_newspaper_subscription_cancel_key')),
    sa.UniqueConstraint('request_key', name=op.f('uq_newspaper_subscription_request_key'))
    )
    with op.batch_alter_table('newspaper_subscription', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_newspaper_subscription_cancelled_at'), ['cancelled_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_newspaper_subscription_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_newspaper_subscription_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_newspaper_subscription_end'), ['end'], unique=False)
        batch_op.create_index(batch_op.f('ix_newspaper_subscription_subscriber_id'), ['subscriber_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_newspaper_subscription_title_id'), ['title_id'], unique=False)

    op.create_table('newspaper_address_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subscription_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('effective', sa.Date(), nullable=False),
    sa.Column('old_address', sa.String(length=255), nullable=False),
    sa.Column('district', sa.String(length=32), nullable=False),
    sa.Column('address', sa.String(length=255), nullable=False),
    sa.Column('postcode', sa.String(length=6), nullable=False),
    sa.Column('channel', sa.String(length=8), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('request_key', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['subscription_id'], ['newspaper_subscription.id'], name=op.f('fk_newspaper_address_change_subscription_id_newspaper_subscription')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_newspaper_address_change')),
    sa.UniqueConstraint('request_key', name=op.f('uq_newspaper_address_change_request_key'))
    )
    with op.batch_alter_table('newspaper_address_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_newspaper_address_change_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_newspaper_address_change_subscription_id'), ['subscription_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('newspaper_address_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_newspaper_address_change_subscription_id'))
        batch_op.drop_index(batch_op.f('ix_newspaper_address_change_at'))

    op.drop_table('newspaper_address_change')
    with op.batch_alter_table('newspaper_subscription', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_newspaper_subscription_title_id'))
        batch_op.drop_index(batch_op.f('ix_newspaper_subscription_subscriber_id'))
        batch_op.drop_index(batch_op.f('ix_newspaper_subscription_end'))
        batch_op.drop_index(batch_op.f('ix_newspaper_subscription_customer_id'))
        batch_op.drop_index(batch_op.f('ix_newspaper_subscription_created_at'))
        batch_op.drop_index(batch_op.f('ix_newspaper_subscription_cancelled_at'))

    op.drop_table('newspaper_subscription')
    with op.batch_alter_table('newspaper_address', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_newspaper_address_subscriber_id'))

    op.drop_table('newspaper_address')
    with op.batch_alter_table('newspaper_subscriber', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_newspaper_subscriber_phone_digits'))
        batch_op.drop_index(batch_op.f('ix_newspaper_subscriber_customer_id'))

    op.drop_table('newspaper_subscriber')
    with op.batch_alter_table('newspaper_title', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_newspaper_title_title'))

    op.drop_table('newspaper_title')
