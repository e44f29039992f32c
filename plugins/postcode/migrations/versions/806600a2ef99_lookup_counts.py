"""lookup counts

Revision ID: 806600a2ef99
Revises: 
Create Date: 2026-11-23 12:54:32.590820
"""
from alembic import op
import sqlalchemy as sa


revision = '806600a2ef99'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('postcode_lookup',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('query_text', sa.String(length=200), nullable=False),
    sa.Column('result_count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_postcode_lookup_user_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_postcode_lookup'))
    )
    with op.batch_alter_table('postcode_lookup', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_postcode_lookup_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_postcode_lookup_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('postcode_lookup', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_postcode_lookup_user_id'))
        batch_op.drop_index(batch_op.f('ix_postcode_lookup_at'))

    op.drop_table('postcode_lookup')
