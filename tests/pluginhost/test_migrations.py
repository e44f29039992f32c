"""The migrations and the models agree: on a fresh database, after ``upgrade_all``, Alembic's
autogenerate comparison finds nothing to do, for the core's history and for each plugin's.
A model changed without its migration fails here (run ``postline db revision -m ...``,
with ``--plugin NAME`` for a plugin's table)."""
from __future__ import annotations

from datetime import date

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Column, Integer, MetaData, String, Table, inspect, select, text

from app import create_app
from app.calendars.models import CalendarDay
from app.extensions import db
from app.ivr.models import IVRLine
from app.pluginhost import enabled_plugins, registry
from app.pluginhost.migrations import (
    alembic_config,
    current_revisions,
    head_revisions,
    include_name_for,
    include_object_for,
    upgrade_all,
    upgrade_core,
    versions_dir,
)
from app.testing.pytest_plugin import _backends, all_plugin_names, base_config

from cli_support import FIXTURE_REVISION, Site

BEFORE_CALENDARS = "4106970d3eb5"


def differences(plugin: str | None, metadata: MetaData | None = None) -> list:
    """What autogenerate would write into ``plugin``'s history (the core's for None),
    filtered exactly as ``app/migrations/env.py`` filters it."""
    names = tuple(registry().plugins)
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            "target_metadata": metadata or db.metadata,
            "include_name": include_name_for(plugin, names),
            "include_object": include_object_for(plugin, names),
            "compare_type": True,
        })
        return compare_metadata(context, metadata or db.metadata)


@pytest.fixture(params=_backends())
def upgraded(request, postline_databases):
    """A fresh database of each backend, upgraded with every plugin found enabled."""
    app = create_app(base_config(postline_databases.new(request.param), all_plugin_names()))
    with app.app_context():
        upgrade_all()
        yield app
        db.session.remove()
        db.engine.dispose()


def test_models_and_migrations_agree_for_the_core_and_every_plugin(upgraded):
    assert differences(None) == [], "the core's models differ from its migrations"
    assert current_revisions() == head_revisions()

    histories = []
    for info in enabled_plugins():
        declared = [t for t in db.metadata.tables if t.startswith(info.name + "_")]
        if versions_dir(info) is None:
            assert declared == [], f"plugin {info.name} has tables {declared} but no migrations"
            continue
        histories.append(info.name)
        assert differences(info.name) == [], f"plugin {info.name}'s models differ from its migrations"
        assert current_revisions(info) == head_revisions(info)
        assert set(declared) <= set(inspect(db.engine).get_table_names())
    assert set(histories) <= set(all_plugin_names())


def test_the_comparison_sees_a_forgotten_migration(upgraded):
    """The check above can fail: a table only in the models, or only in the database."""
    models = MetaData(naming_convention=db.metadata.naming_convention)
    for table in db.metadata.sorted_tables:
        table.to_metadata(models)
    Table("forgotten", models, Column("id", Integer, primary_key=True), Column("x", String(5)))
    with db.engine.begin() as connection:
        connection.execute(text("CREATE TABLE stray (id INTEGER PRIMARY KEY)"))

    found = {(diff[0], diff[1].name) for diff in differences(None, models)
             if isinstance(diff, tuple) and diff[0] in ("add_table", "remove_table")}
    assert found == {("add_table", "forgotten"), ("remove_table", "stray")}
    for plugin in [info.name for info in enabled_plugins() if versions_dir(info)]:
        assert differences(plugin, models) == []  # neither table is the plugin's business


@pytest.mark.parametrize("backend", _backends())
def test_a_disabled_plugin_with_tables_does_not_break_the_core_upgrade(
        backend, postline_databases, tmp_path):
    site = Site(postline_databases.new(backend), tmp_path)
    assert "plugin clitest: installed" in site.run_ok("db", "upgrade")

    disabled = site.env(POSTLINE_PLUGINS="postcode")
    out = site.run_ok("db", "upgrade", env=disabled)
    assert "database is up to date" in out and "clitest" not in out

    with site.app():
        assert {"clitest_note", "alembic_version_clitest"} <= set(inspect(db.engine).get_table_names())
        with db.engine.connect() as connection:
            assert connection.execute(
                text("SELECT version_num FROM alembic_version_clitest")).scalar() == FIXTURE_REVISION
        assert current_revisions() == head_revisions()


@pytest.mark.parametrize("backend", _backends())
def test_a_lines_hours_and_holidays_become_its_calendar_and_come_back(backend, postline_databases):
    """The calendars migration keeps what callers hear: each line's week and holidays move
    into a calendar of its own, and back again on a downgrade."""
    app = create_app(base_config(postline_databases.new(backend), []))
    week = '{"mon": "08:30-17:30", "fri": "08:30-12:00"}'
    with app.app_context():
        upgrade_core(BEFORE_CALENDARS)
        with db.engine.begin() as connection:
            connection.execute(text("INSERT INTO ivr_line (number, name, queue, hours, active) "
                                    "VALUES ('12329', '公积金', '12329', :week, :yes)"),
                               {"week": week, "yes": True})
            line_id = connection.execute(text("SELECT id FROM ivr_line")).scalar()
            connection.execute(text("INSERT INTO ivr_holiday (line_id, day, name, hours) VALUES "
                                    "(:line, :d1, '国庆节', ''), (:line, :d2, '调休', '09:00-12:00')"),
                               {"line": line_id, "d1": date(2026, 10, 1), "d2": date(2026, 10, 10)})

        upgrade_core()
        line = db.session.get(IVRLine, line_id)
        assert (line.calendar.name, line.calendar.hours) == ("12329 公积金", week)
        days = db.session.scalars(select(CalendarDay).order_by(CalendarDay.day)).all()
        assert [(d.calendar_id, d.day, d.name, d.hours) for d in days] == [
            (line.calendar_id, date(2026, 10, 1), "国庆节", ""),
            (line.calendar_id, date(2026, 10, 10), "调休", "09:00-12:00")]
        assert "ivr_holiday" not in inspect(db.engine).get_table_names()
        db.session.remove()

        with db.engine.begin() as connection:
            command.downgrade(alembic_config(None, connection), BEFORE_CALENDARS)
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT hours FROM ivr_line")).scalar() == week
            rows = connection.execute(text("SELECT day, name, hours FROM ivr_holiday ORDER BY day")).all()
            assert [(str(day), name, hours) for day, name, hours in rows] == [
                ("2026-10-01", "国庆节", ""), ("2026-10-10", "调休", "09:00-12:00")]
        assert not {"calendar", "calendar_day"} & set(inspect(db.engine).get_table_names())
        db.engine.dispose()
