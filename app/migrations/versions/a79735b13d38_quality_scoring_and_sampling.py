"""quality scoring and sampling

Revision ID: a79735b13d38
Revises: 31e4e6b8c1c2
Create Date: 2026-12-02 05:08:52.124631

New tables only: quality scoring templates and their weighted criteria, the scores of desk
calls (with the criteria copied in, the appeal's steps and the optimistic-editing columns),
the sampling rules and the weekly samples they draw. Downgrade drops them.
"""
import sqlalchemy as sa
from alembic import op


revision = 'a79735b13d38'
down_revision = '31e4e6b8c1c2'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('quality_sample_rule',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('per_agent', sa.Integer(), nullable=False),
    sa.Column('queue', sa.String(length=64), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quality_sample_rule'))
    )
    op.create_table('quality_template',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('row_version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('updated_by', sa.String(length=100), server_default='', nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quality_template')),
    sa.UniqueConstraint('name', name=op.f('uq_quality_template_name'))
    )
    op.create_table('quality_criterion',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('template_id', sa.Integer(), nullable=False),
    sa.Column('criterion_group', sa.String(length=64), nullable=False),
    sa.Column('text', sa.String(length=255), nullable=False),
    sa.Column('max_points', sa.Integer(), nullable=False),
    sa.Column('critical', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['template_id'], ['quality_template.id'], name=op.f('fk_quality_criterion_template_id_quality_template')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quality_criterion'))
    )
    with op.batch_alter_table('quality_criterion', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quality_criterion_template_id'), ['template_id'], unique=False)

    op.create_table('quality_sample_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('week', sa.Date(), nullable=False),
    sa.Column('desk_call_id', sa.Integer(), nullable=False),
    sa.Column('rule_id', sa.Integer(), nullable=True),
    sa.Column('agent_id', sa.Integer(), nullable=False),
    sa.Column('drawn_at', sa.DateTime(), nullable=False),
    sa.Column('drawn_by', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['agent_id'], ['user_account.id'], name=op.f('fk_quality_sample_item_agent_id_user_account')),
    sa.ForeignKeyConstraint(['desk_call_id'], ['desk_call.id'], name=op.f('fk_quality_sample_item_desk_call_id_desk_call')),
    sa.ForeignKeyConstraint(['rule_id'], ['quality_sample_rule.id'], name=op.f('fk_quality_sample_item_rule_id_quality_sample_rule')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quality_sample_item')),
    sa.UniqueConstraint('week', 'desk_call_id', name='uq_quality_sample_item')
    )
    with op.batch_alter_table('quality_sample_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quality_sample_item_week'), ['week'], unique=False)

    op.create_table('quality_score',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('desk_call_id', sa.Integer(), nullable=False),
    sa.Column('agent_id', sa.Integer(), nullable=False),
    sa.Column('template_id', sa.Integer(), nullable=True),
    sa.Column('template_name', sa.String(length=100), nullable=False),
    sa.Column('template_version', sa.Integer(), nullable=False),
    sa.Column('items', sa.Text(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('critical_failed', sa.Boolean(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('scored_by', sa.String(length=100), nullable=False),
    sa.Column('scored_at', sa.DateTime(), nullable=False),
    sa.Column('appeal_reason', sa.Text(), nullable=False),
    sa.Column('appealed_at', sa.DateTime(), nullable=True),
    sa.Column('appeal_answer', sa.Text(), nullable=False),
    sa.Column('answered_by', sa.String(length=100), nullable=False),
    sa.Column('answered_at', sa.DateTime(), nullable=True),
    sa.Column('row_version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('updated_by', sa.String(length=100), server_default='', nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['agent_id'], ['user_account.id'], name=op.f('fk_quality_score_agent_id_user_account')),
    sa.ForeignKeyConstraint(['desk_call_id'], ['desk_call.id'], name=op.f('fk_quality_score_desk_call_id_desk_call')),
    sa.ForeignKeyConstraint(['template_id'], ['quality_template.id'], name=op.f('fk_quality_score_template_id_quality_template')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quality_score')),
    sa.UniqueConstraint('desk_call_id', name=op.f('uq_quality_score_desk_call_id'))
    )
    with op.batch_alter_table('quality_score', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quality_score_agent_id'), ['agent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quality_score_scored_at'), ['scored_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_quality_score_state'), ['state'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('quality_score', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quality_score_state'))
        batch_op.drop_index(batch_op.f('ix_quality_score_scored_at'))
        batch_op.drop_index(batch_op.f('ix_quality_score_agent_id'))

    op.drop_table('quality_score')
    with op.batch_alter_table('quality_sample_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quality_sample_item_week'))

    op.drop_table('quality_sample_item')
    with op.batch_alter_table('quality_criterion', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quality_criterion_template_id'))

    op.drop_table('quality_criterion')
    op.drop_table('quality_template')
    op.drop_table('quality_sample_rule')
