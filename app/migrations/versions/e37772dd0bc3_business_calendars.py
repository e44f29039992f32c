"""business calendars: a line's hours and holidays become its calendar

Revision ID: e37772dd0bc3
Revises: 4106970d3eb5
Create Date: 2026-12-01 22:00:00

Every line gets a calendar of its own with its weekly hours, and its holidays become the
calendar's special days, so that what callers hear does not change; lines (and later
departments) may then share a calendar.
"""
from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

revision = 'e37772dd0bc3'
down_revision = '4106970d3eb5'
branch_labels = None
depends_on = None

line = sa.table('ivr_line', sa.column('id', sa.Integer), sa.column('number', sa.String),
                sa.column('name', sa.String), sa.column('hours', sa.Text),
                sa.column('calendar_id', sa.Integer))
holiday = sa.table('ivr_holiday', sa.column('line_id', sa.Integer), sa.column('day', sa.Date),
                   sa.column('name', sa.String), sa.column('hours', sa.String))
calendar = sa.table('calendar', sa.column('id', sa.Integer), sa.column('name', sa.String),
                    sa.column('hours', sa.Text), sa.column('created_at', sa.DateTime))
calendar_day = sa.table('calendar_day', sa.column('calendar_id', sa.Integer),
                        sa.column('day', sa.Date), sa.column('name', sa.String),
                        sa.column('hours', sa.String))


def upgrade() -> None:
    op.create_table('calendar',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('hours', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar'))
    )
    op.create_table('calendar_day',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('calendar_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('hours', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['calendar_id'], ['calendar.id'], name=op.f('fk_calendar_day_calendar_id_calendar')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_day')),
    sa.UniqueConstraint('calendar_id', 'day', name=op.f('uq_calendar_day_calendar_id'))
    )

    # The data first, while the old tables are there; then ivr_line is rebuilt (SQLite's
    # batch mode copies it), when no other table refers to it any more.
    connection = op.get_bind()
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    calendars = {}
    for line_id, number, name, hours in connection.execute(
            sa.select(line.c.id, line.c.number, line.c.name, line.c.hours)).all():
        calendars[line_id] = connection.execute(
            calendar.insert().values(name=f"{number} {name}".strip()[:100], hours=hours or "{}",
                                     created_at=now).returning(calendar.c.id)).scalar_one()
    days = [{"calendar_id": calendars[line_id], "day": day, "name": day_name, "hours": day_hours}
            for line_id, day, day_name, day_hours in connection.execute(
                sa.select(holiday.c.line_id, holiday.c.day, holiday.c.name, holiday.c.hours)).all()]
    if days:
        connection.execute(calendar_day.insert(), days)
    op.drop_table('ivr_holiday')

    with op.batch_alter_table('ivr_line', schema=None) as batch_op:
        batch_op.add_column(sa.Column('calendar_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_ivr_line_calendar_id_calendar'), 'calendar', ['calendar_id'], ['id'])
        batch_op.drop_column('hours')
    for line_id, calendar_id in calendars.items():
        connection.execute(line.update().where(line.c.id == line_id).values(calendar_id=calendar_id))


def downgrade() -> None:
    connection = op.get_bind()
    weeks = dict(connection.execute(
        sa.select(line.c.id, calendar.c.hours).join(calendar, calendar.c.id == line.c.calendar_id)).all())
    holidays = [{"line_id": line_id, "day": day, "name": day_name, "hours": day_hours}
                for line_id, day, day_name, day_hours in connection.execute(
                    sa.select(line.c.id, calendar_day.c.day, calendar_day.c.name, calendar_day.c.hours)
                    .join(calendar_day, calendar_day.c.calendar_id == line.c.calendar_id)).all()]

    with op.batch_alter_table('ivr_line', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hours', sa.Text(), nullable=False, server_default='{}'))
        batch_op.drop_constraint(batch_op.f('fk_ivr_line_calendar_id_calendar'), type_='foreignkey')
        batch_op.drop_column('calendar_id')
    with op.batch_alter_table('ivr_line', schema=None) as batch_op:
        batch_op.alter_column('hours', server_default=None)
    for line_id, hours in weeks.items():
        connection.execute(line.update().where(line.c.id == line_id).values(hours=hours))

    op.create_table('ivr_holiday',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('line_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('hours', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['line_id'], ['ivr_line.id'], name=op.f('fk_ivr_holiday_line_id_ivr_line')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ivr_holiday')),
    sa.UniqueConstraint('line_id', 'day', name=op.f('uq_ivr_holiday_line_id'))
    )
    if holidays:
        connection.execute(holiday.insert(), holidays)
    op.drop_table('calendar_day')
    op.drop_table('calendar')
