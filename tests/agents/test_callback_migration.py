"""The call-back migration keeps the feedback tasks there are: their tries survive the
upgrade (SQLite rebuilds ticket_callback under the tries' foreign key) and a downgrade."""
from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import text

from app import create_app
from app.auth.models import User
from app.extensions import db
from app.pluginhost.migrations import alembic_config, upgrade_core
from app.testing.pytest_plugin import _backends, base_config
from app.tickets.register import register

BEFORE_CALLBACKS = "1d68048ea31c"


@pytest.mark.parametrize("backend", _backends())
def test_feedback_tasks_and_their_tries_survive_the_upgrade_and_a_downgrade(backend, postline_databases):
    app = create_app(base_config(postline_databases.new(backend), []))
    with app.app_context():
        upgrade_core(BEFORE_CALLBACKS)
        _feedback_task_before()
        upgrade_core()
        with db.engine.connect() as connection:
            row = connection.execute(text("SELECT source, sources, queue, order_id FROM ticket_callback")).one()
            assert row[:3] == ("feedback", "feedback", "") and row[3] is not None
            assert connection.execute(text("SELECT outcome FROM ticket_callback_attempt")).scalar() == "not_reached"
        with db.engine.begin() as connection:
            command.downgrade(alembic_config(None, connection), BEFORE_CALLBACKS)
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM ticket_callback_attempt")).scalar() == 1
        db.engine.dispose()


def _feedback_task_before() -> None:
    """A work order with a feedback task and one try, the task written as the old schema
    has it (users and orders are the same in both)."""
    lead = User(username="lead", display_name="组长")
    lead.set_password("x" * 12)
    lead.set_roles({"teamlead"})
    db.session.add(lead)
    db.session.commit()
    order = register(lead, type_code="query", subject="包裹破损")
    db.session.commit()
    with db.engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO ticket_callback (order_id, phone, due_at, state, attempts, note, created_by, created_at) "
            "VALUES (:order, '13900139000', CURRENT_TIMESTAMP, 'open', 1, '', 'lead', CURRENT_TIMESTAMP)"),
            {"order": order.id})
        task_id = connection.execute(text("SELECT id FROM ticket_callback")).scalar()
        connection.execute(text(
            "INSERT INTO ticket_callback_attempt (task_id, at, actor, outcome, note) "
            "VALUES (:task, CURRENT_TIMESTAMP, 'lead', 'not_reached', '')"), {"task": task_id})
    db.session.remove()
