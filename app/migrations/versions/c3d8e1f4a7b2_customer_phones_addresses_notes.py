"""customers: several phones, structured addresses, notes, tags, account, merges

Revision ID: c3d8e1f4a7b2
Revises: c4d8e1f2a3b6
Create Date: 2026-12-02 00:20:00

A customer had one phone, one free-text address and one note in its own row. They move
into customer_phone (with the number's national digits, indexed, for the calling-number
lookup), customer_address (the old text goes into ``detail``, its postcode kept) and
customer_note; the customer row gains account, ID number, tags, merged-into and the
optimistic-editing columns. Downgrade puts the first phone, address and note back.
"""
import re

import sqlalchemy as sa
from alembic import op

revision = 'c3d8e1f4a7b2'
down_revision = 'c4d8e1f2a3b6'
branch_labels = None
depends_on = None

MOBILE = re.compile(r"^1[3-9]\d{9}$")


def national_digits(raw):
    """A copy of app.customers.phones.national_digits as it was when this was written."""
    digits = re.sub(r"\D", "", raw or "")
    if not digits:
        return ""
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) - len(prefix) >= 10:
            digits = digits[len(prefix):]
            break
    if digits.startswith("0") and MOBILE.match(digits[1:]):
        digits = digits[1:]
    if not MOBILE.match(digits) and not digits.startswith("0") and len(digits) >= 10:
        digits = "0" + digits
    return digits


def upgrade() -> None:
    # Read first and alter the customer table before any table refers to it: SQLite's batch
    # mode re-creates the table, which a foreign key pointing at it would forbid.
    bind = op.get_bind()
    old = sa.table('customer', sa.column('id', sa.Integer), sa.column('phone', sa.String),
                   sa.column('address', sa.String), sa.column('postcode', sa.String),
                   sa.column('note', sa.Text), sa.column('created_at', sa.DateTime))
    phones, addresses, notes = [], [], []
    for row in bind.execute(sa.select(old)).mappings():
        if (row['phone'] or '').strip():
            phones.append({'customer_id': row['id'], 'number': row['phone'].strip()[:32],
                           'digits': national_digits(row['phone']), 'label': '', 'position': 0})
        if (row['address'] or '').strip() or (row['postcode'] or '').strip():
            addresses.append({'customer_id': row['id'], 'province': '', 'city': '', 'county': '',
                              'detail': (row['address'] or '').strip(), 'postcode': row['postcode'] or '',
                              'position': 0})
        if (row['note'] or '').strip():
            notes.append({'customer_id': row['id'], 'author': '', 'at': row['created_at'],
                          'text': row['note']})
    with op.batch_alter_table('customer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('account', sa.String(length=64), server_default='', nullable=False))
        batch_op.add_column(sa.Column('id_number', sa.String(length=32), server_default='', nullable=False))
        batch_op.add_column(sa.Column('tags', sa.String(length=255), server_default='', nullable=False))
        batch_op.add_column(sa.Column('merged_into_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('row_version', sa.Integer(), server_default='1', nullable=False))
        batch_op.add_column(sa.Column('updated_by', sa.String(length=100), server_default='',
                                      nullable=False))
        batch_op.add_column(sa.Column('updated_at', sa.DateTime(), nullable=True))
        batch_op.create_foreign_key('fk_customer_merged_into_id_customer', 'customer', ['merged_into_id'], ['id'])
        batch_op.create_index('ix_customer_account', ['account'])
        batch_op.create_index('ix_customer_id_number', ['id_number'])
        batch_op.create_index('ix_customer_merged_into_id', ['merged_into_id'])
        batch_op.create_index('ix_customer_name', ['name'])
        batch_op.drop_index('ix_customer_phone')
        batch_op.drop_column('phone')
        batch_op.drop_column('address')
        batch_op.drop_column('postcode')
        batch_op.drop_column('note')

    phone = op.create_table(
        'customer_phone',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('customer_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.String(length=32), nullable=False),
        sa.Column('digits', sa.String(length=32), nullable=False),
        sa.Column('label', sa.String(length=32), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name='fk_customer_phone_customer_id_customer'),
        sa.PrimaryKeyConstraint('id', name='pk_customer_phone'),
    )
    op.create_index('ix_customer_phone_customer_id', 'customer_phone', ['customer_id'])
    op.create_index('ix_customer_phone_digits', 'customer_phone', ['digits'])
    address = op.create_table(
        'customer_address',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('customer_id', sa.Integer(), nullable=False),
        sa.Column('province', sa.String(length=32), nullable=False),
        sa.Column('city', sa.String(length=32), nullable=False),
        sa.Column('county', sa.String(length=32), nullable=False),
        sa.Column('detail', sa.String(length=255), nullable=False),
        sa.Column('postcode', sa.String(length=6), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name='fk_customer_address_customer_id_customer'),
        sa.PrimaryKeyConstraint('id', name='pk_customer_address'),
    )
    op.create_index('ix_customer_address_customer_id', 'customer_address', ['customer_id'])
    note = op.create_table(
        'customer_note',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('customer_id', sa.Integer(), nullable=False),
        sa.Column('author', sa.String(length=100), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name='fk_customer_note_customer_id_customer'),
        sa.PrimaryKeyConstraint('id', name='pk_customer_note'),
    )
    op.create_index('ix_customer_note_customer_id', 'customer_note', ['customer_id'])
    op.create_index('ix_customer_note_at', 'customer_note', ['at'])

    for table, rows in ((phone, phones), (address, addresses), (note, notes)):
        if rows:
            op.bulk_insert(table, rows)


def downgrade() -> None:
    bind = op.get_bind()
    first = {}
    for cid, number in bind.execute(sa.text(
            'SELECT customer_id, number FROM customer_phone ORDER BY position DESC, id DESC')):
        first.setdefault(cid, {})['phone'] = number
    for cid, text, postcode in bind.execute(sa.text(
            "SELECT customer_id, province || city || county || detail, postcode FROM customer_address "
            "ORDER BY position DESC, id DESC")):
        first.setdefault(cid, {}).update(address=text[:255], postcode=postcode)
    for cid, text in bind.execute(sa.text('SELECT customer_id, text FROM customer_note ORDER BY at, id')):
        entry = first.setdefault(cid, {})
        entry['note'] = (entry.get('note', '') + '\n' + text).strip()
    op.drop_table('customer_note')
    op.drop_table('customer_phone')
    op.drop_table('customer_address')

    bind.execute(sa.text('UPDATE customer SET merged_into_id = NULL'))
    with op.batch_alter_table('customer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('phone', sa.String(length=32), server_default='', nullable=False))
        batch_op.add_column(sa.Column('address', sa.String(length=255), server_default='', nullable=False))
        batch_op.add_column(sa.Column('postcode', sa.String(length=6), server_default='', nullable=False))
        batch_op.add_column(sa.Column('note', sa.Text(), server_default='', nullable=False))
        batch_op.create_index('ix_customer_phone', ['phone'])
        batch_op.drop_index('ix_customer_name')
        batch_op.drop_index('ix_customer_merged_into_id')
        batch_op.drop_index('ix_customer_id_number')
        batch_op.drop_index('ix_customer_account')
        batch_op.drop_constraint('fk_customer_merged_into_id_customer', type_='foreignkey')
        for column in ('updated_at', 'updated_by', 'row_version', 'merged_into_id', 'tags', 'id_number',
                       'account'):
            batch_op.drop_column(column)
    customer = sa.table('customer', sa.column('id', sa.Integer), sa.column('phone', sa.String),
                        sa.column('address', sa.String), sa.column('postcode', sa.String),
                        sa.column('note', sa.Text))
    for cid, values in first.items():
        bind.execute(customer.update().where(customer.c.id == cid).values(**values))
