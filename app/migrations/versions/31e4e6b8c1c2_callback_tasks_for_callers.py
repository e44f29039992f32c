"""call-back tasks for callers who waited for us, not only for work-order feedback

Revision ID: 31e4e6b8c1c2
Revises: 033f57391162
Create Date: 2026-12-02 05:09:16

ticket_callback: order_id becomes optional (a caller's task has no order); new columns
source and sources (the tasks there are: "feedback"), call_id, queue, caller_name (""),
customer_id, max_attempts and retry_minutes (NULL: the site's settings, as before),
desk_call_id (the last click-to-call); an index on phone (one open task per caller's number
is looked up by it). ticket_callback_attempt gains desk_call_id. New table
ticket_callback_voicemail: the voice messages called back instead of made into orders.
ticket_voicemail_route gains call_back (false: every line's messages still become orders).
Downgrade drops them; it fails while a task without an order exists (order_id is required
again), which is what it should do.
"""
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

revision = '31e4e6b8c1c2'
down_revision = '033f57391162'
branch_labels = None
depends_on = None


@contextmanager
def _tries_set_aside() -> Iterator[None]:
    """On SQLite, making order_id optional copies ticket_callback, and dropping the old copy
    under the tries' foreign key fails while tries exist: they wait in a side table
    meanwhile (the tasks keep their ids). PostgreSQL alters the table in place."""
    sqlite = op.get_bind().dialect.name == 'sqlite'
    if sqlite:
        op.execute('CREATE TABLE _callback_tries_aside AS SELECT * FROM ticket_callback_attempt')
        op.execute('DELETE FROM ticket_callback_attempt')
    yield
    if sqlite:
        columns = ', '.join(c['name'] for c in sa.inspect(op.get_bind()).get_columns('_callback_tries_aside'))
        op.execute(f'INSERT INTO ticket_callback_attempt ({columns}) SELECT {columns} FROM _callback_tries_aside')
        op.execute('DROP TABLE _callback_tries_aside')


def upgrade() -> None:
    with _tries_set_aside(), op.batch_alter_table('ticket_callback', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source', sa.String(length=16), server_default='feedback', nullable=False))
        batch_op.add_column(sa.Column('sources', sa.String(length=120), server_default='feedback', nullable=False))
        batch_op.add_column(sa.Column('call_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('queue', sa.String(length=64), server_default='', nullable=False))
        batch_op.add_column(sa.Column('caller_name', sa.String(length=100), server_default='', nullable=False))
        batch_op.add_column(sa.Column('customer_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('max_attempts', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('retry_minutes', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('desk_call_id', sa.Integer(), nullable=True))
        batch_op.alter_column('order_id', existing_type=sa.INTEGER(), nullable=True)
        batch_op.create_index(batch_op.f('ix_ticket_callback_call_id'), ['call_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ticket_callback_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ticket_callback_phone'), ['phone'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_ticket_callback_customer_id_customer'), 'customer',
                                    ['customer_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_ticket_callback_desk_call_id_desk_call'), 'desk_call',
                                    ['desk_call_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_ticket_callback_call_id_ivr_call'), 'ivr_call',
                                    ['call_id'], ['id'])

    op.create_table('ticket_callback_voicemail',
                    sa.Column('voicemail_id', sa.Integer(), nullable=False),
                    sa.Column('task_id', sa.Integer(), nullable=False),
                    sa.ForeignKeyConstraint(['task_id'], ['ticket_callback.id'],
                                            name=op.f('fk_ticket_callback_voicemail_task_id_ticket_callback')),
                    sa.ForeignKeyConstraint(['voicemail_id'], ['ivr_voicemail.id'],
                                            name=op.f('fk_ticket_callback_voicemail_voicemail_id_ivr_voicemail')),
                    sa.PrimaryKeyConstraint('voicemail_id', name=op.f('pk_ticket_callback_voicemail')))
    op.create_index(op.f('ix_ticket_callback_voicemail_task_id'), 'ticket_callback_voicemail', ['task_id'],
                    unique=False)
    op.add_column('ticket_voicemail_route', sa.Column('call_back', sa.Boolean(), server_default=sa.false(),
                                                      nullable=False))

    with op.batch_alter_table('ticket_callback_attempt', schema=None) as batch_op:
        batch_op.add_column(sa.Column('desk_call_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_ticket_callback_attempt_desk_call_id'), ['desk_call_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_ticket_callback_attempt_desk_call_id_desk_call'), 'desk_call',
                                    ['desk_call_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('ticket_voicemail_route', schema=None) as batch_op:
        batch_op.drop_column('call_back')
    op.drop_index(op.f('ix_ticket_callback_voicemail_task_id'), table_name='ticket_callback_voicemail')
    op.drop_table('ticket_callback_voicemail')
    with op.batch_alter_table('ticket_callback_attempt', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_ticket_callback_attempt_desk_call_id_desk_call'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_ticket_callback_attempt_desk_call_id'))
        batch_op.drop_column('desk_call_id')

    with _tries_set_aside(), op.batch_alter_table('ticket_callback', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_ticket_callback_call_id_ivr_call'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_ticket_callback_desk_call_id_desk_call'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_ticket_callback_customer_id_customer'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_ticket_callback_phone'))
        batch_op.drop_index(batch_op.f('ix_ticket_callback_customer_id'))
        batch_op.drop_index(batch_op.f('ix_ticket_callback_call_id'))
        batch_op.alter_column('order_id', existing_type=sa.INTEGER(), nullable=False)
        for column in ('desk_call_id', 'retry_minutes', 'max_attempts', 'customer_id', 'caller_name', 'queue',
                       'call_id', 'sources', 'source'):
            batch_op.drop_column(column)
