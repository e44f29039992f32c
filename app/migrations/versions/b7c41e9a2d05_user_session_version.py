"""user session version: logging out, a new password or disabling ends every session

Revision ID: b7c41e9a2d05
Revises: e37772dd0bc3
Create Date: 2026-12-01 23:10:00

Sessions name the user's session version; existing users start at 1. Sessions made before
this revision name no version and end: everybody logs in once more after the upgrade.
"""
import sqlalchemy as sa
from alembic import op

revision = 'b7c41e9a2d05'
down_revision = 'e37772dd0bc3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), nullable=False,
                                      server_default='1'))


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('session_version')
