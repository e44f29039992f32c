"""The migrations and the models agree: on a fresh database, after ``upgrade_all``, Alembic's
autogenerate comparison finds nothing to do, for the core's history and for each plugin's.
A model changed without its migration fails here (run ``postline db revision -m ...``,
with ``--plugin NAME`` for a plugin's table)."""
from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Column, Integer, MetaData, String, Table, inspect, text

from app import create_app
from app.extensions import db
from app.pluginhost.migrations import (
    current_revisions,
    head_revisions,
    include_name_for,
    include_object_for,
    upgrade_all,
    versions_dir,
)
from app.pluginhost import enabled_plugins, registry
from app.testing.pytest_plugin import _backends, all_plugin_names, base_config
from cli_support import FIXTURE_REVISION, Site


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
