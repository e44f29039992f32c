"""The ``postline`` command, run as an administrator runs it: a real subprocess of the
installed console script, configured only through ``POSTLINE_*`` environment variables,
against a fresh database on each backend. What the commands did is then read back from
that database.

Each subprocess costs about a second, so one test walks a whole installation's life
(upgrade, demo data, users, plugins) and the usage errors run side by side."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import func, inspect, select

from app.audit.models import AuditLog
from app.auth.demo import DEPARTMENTS
from app.auth.models import Department, User
from app.customers.demo import CUSTOMERS
from app.customers.models import Customer
from app.extensions import db
from app.pluginhost.loader import discover
from app.pluginhost.migrations import alembic_config, include_name_for
from app.pluginhost.state import PluginInstall, PluginSetting
from app.testing.pytest_plugin import _backends, migrate

from cli_support import CLI_LOGIN, FIXTURE_REVISION, FIXTURE_VERSION, Site, one_line

DEMO_ROLES = ("agent", "backoffice", "teamlead", "qa", "manager", "admin")
NEW_PASSWORD = "Tr0ub4dor&3-long"


def _tables(site: Site) -> set[str]:
    with site.app():
        return set(inspect(db.engine).get_table_names())


def _core_and_postcode_tables() -> set[str]:
    """Every table of the core's models (and of the shipped postcode plugin, if it has any)."""
    core = include_name_for(None, tuple(discover()) + ("clitest", "clibroken", "cliidle"))
    return {name for name in db.metadata.tables
            if core(name, "table", {}) or name.startswith("postcode_")}


def _audit_count() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditLog))


@pytest.mark.parametrize("backend", _backends())
def test_an_installation_from_empty_database_to_plugins(backend, postline_databases, tmp_path):
    site = Site(postline_databases.new(backend), tmp_path)
    with site.app():
        expected = _core_and_postcode_tables()
        core_head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert {"user_account", "audit_log", "plugin_install"} <= expected

    # db upgrade on an empty database: the core's and every enabled plugin's tables.
    out = site.run_ok("db", "upgrade")
    assert "plugin clitest: installed" in out and "database is up to date" in out
    tables = _tables(site)
    assert expected <= tables, expected - tables
    assert {"clitest_note", "alembic_version", "alembic_version_clitest"} <= tables
    with site.app():
        assert db.session.get(PluginInstall, "clitest").version == FIXTURE_VERSION
        audit_rows = _audit_count()

    # ... and again: nothing more to do, nothing changed, nothing audited.
    out = site.run_ok("db", "upgrade")
    assert "plugin clitest: up to date" in out and "database is up to date" in out
    assert _tables(site) == tables
    with site.app():
        assert _audit_count() == audit_rows

    # demo load: one user of every role, the departments, the customers; twice is once.
    first = site.run_ok("demo", "load")
    assert "users +6" in first
    with site.app():
        audit_rows = _audit_count()
    second = site.run_ok("demo", "load")
    assert "departments +0, users +0, customers +0" in second
    with site.app():
        assert _audit_count() == audit_rows
        users = {u.username: u.roles for u in db.session.scalars(select(User))}
        assert {role: users.get(role) for role in DEMO_ROLES} == {r: {r} for r in DEMO_ROLES}
        assert db.session.scalar(select(func.count()).select_from(Department)) == len(DEPARTMENTS)
        assert db.session.scalar(select(func.count()).select_from(Customer)) == len(CUSTOMERS)

    # users create: the password from stdin, stored hashed, the change audited as cli:<login>.
    out = site.run_ok("users", "create", "carol.w", "--role", "teamlead", "--role", "qa",
                      "--display-name", "班长 卡罗尔", "--password-stdin", stdin=NEW_PASSWORD + "\n")
    assert "created user carol.w" in out
    assert NEW_PASSWORD not in out
    with site.app():
        carol = db.session.scalar(select(User).where(User.username == "carol.w"))
        assert carol.roles == {"teamlead", "qa"} and carol.display_name == "班长 卡罗尔"
        assert NEW_PASSWORD not in carol.password_hash
        assert carol.check_password(NEW_PASSWORD) and not carol.check_password(NEW_PASSWORD[:-1])
        created = db.session.scalars(select(AuditLog).where(
            AuditLog.object_type == "user_account", AuditLog.object_id == str(carol.id))).all()
        assert [(row.action, row.actor) for row in created] == [("create", f"cli:{CLI_LOGIN}")]
        assert json.loads(created[0].after)["username"] == "carol.w"
        for row in db.session.scalars(select(AuditLog)):
            assert NEW_PASSWORD not in (row.after or "") + (row.before or "")
            assert carol.password_hash not in (row.after or "")
        # A setting of each plugin, to see that uninstalling one removes only its own.
        db.session.add_all([PluginSetting(plugin="clitest", name="colour", value='"red"'),
                            PluginSetting(plugin="postcode", name="source", value='"local"')])
        db.session.commit()

    # The read-only commands side by side: db current, users list, plugins list.
    current, users_list, plugins_list = site.run_many([
        (("db", "current"), ""),
        (("users", "list"), ""),
        (("plugins", "list"), "", site.env(POSTLINE_PLUGINS="postcode,clitest,clibroken",
                                           POSTLINE_SKIP_BROKEN_PLUGINS="true")),
    ])
    for result in (current, users_list, plugins_list):
        assert result.returncode == 0, (result.args, result.stdout, result.stderr)

    assert f"core: {core_head} (head {core_head})" in current.stdout.splitlines()
    assert f"clitest: {FIXTURE_REVISION}" in current.stdout.splitlines()

    # Flask's own command line has the same commands (`flask --app wsgi ...`).
    via_flask = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "users", "list"],
                               capture_output=True, text=True, env=site.env(),
                               cwd=Path(__file__).resolve().parents[2], timeout=60)
    assert via_flask.returncode == 0, via_flask.stderr
    assert via_flask.stdout == users_list.stdout

    listing = users_list.stdout.splitlines()
    assert sorted(line.split("\t")[0] for line in listing) == sorted([*DEMO_ROLES, "carol.w"])
    assert "carol.w\tqa,teamlead\tactive\t班长 卡罗尔" in listing

    # plugins list: found plugins with version, enabled, installed, hooks and error.
    header, *rows = plugins_list.stdout.splitlines()
    assert header == "name\tversion\tenabled\tinstalled\thooks\terror"
    rows_by_name = {row.split("\t")[0]: row.split("\t") for row in rows}
    assert rows_by_name["clitest"] == ["clitest", FIXTURE_VERSION, "yes", FIXTURE_VERSION,
                                       "permissions", "-"]
    assert rows_by_name["cliidle"] == ["cliidle", FIXTURE_VERSION, "no", "-", "-", "-"]
    broken = rows_by_name["clibroken"]
    assert broken[1:5] == [FIXTURE_VERSION, "yes", "-", "-"]
    assert "clibroken" in broken[5] and "frobnicator" in broken[5]
    assert rows_by_name["postcode"][2] == "yes"
    assert all(len(row) == 6 for row in rows_by_name.values())

    # plugins uninstall --yes: the plugin's tables and settings go, the core's stay.
    out = site.run_ok("plugins", "uninstall", "clitest", "--yes")
    assert "plugin clitest: uninstalled" in out
    after_uninstall = _tables(site)
    assert "clitest_note" not in after_uninstall
    assert "alembic_version_clitest" not in after_uninstall
    assert after_uninstall == tables - {"clitest_note", "alembic_version_clitest"}
    with site.app():
        assert db.session.get(PluginInstall, "clitest") is None
        assert db.session.scalars(select(PluginSetting.plugin)).all() == ["postcode"]
        assert db.session.scalar(select(func.count()).select_from(User)) == len(DEMO_ROLES) + 1

    # plugins install: the tables come back; upgrade then has nothing to do.
    assert "plugin clitest: installed" in site.run_ok("plugins", "install", "clitest")
    assert _tables(site) == tables
    assert "plugin clitest: up to date" in site.run_ok("plugins", "upgrade", "clitest")
    with site.app():
        assert db.session.get(PluginInstall, "clitest").version == FIXTURE_VERSION


BAD_CALLS = {
    "unknown role": (("users", "create", "dora", "--role", "boss", "--password-stdin"),
                     NEW_PASSWORD + "\n", "'boss' is not one of"),
    "bad user name": (("users", "create", "dora smith", "--role", "agent", "--password-stdin"),
                      NEW_PASSWORD + "\n", "invalid user name"),
    "short password": (("users", "create", "dora", "--role", "agent", "--password-stdin"),
                       "short\n", "at least 8 characters"),
    "set-roles no role": (("users", "set-roles", "nobody"), "", "give at least one role"),
    "disable nobody": (("users", "disable", "nobody"), "", "no user named nobody"),
    "unknown plugin": (("plugins", "install", "nosuchplugin"), "", "no plugin named 'nosuchplugin'"),
    "plugin not enabled": (("plugins", "upgrade", "cliidle"), "", "not enabled"),
    "uninstall without --yes": (("plugins", "uninstall", "clitest"), "", "--yes"),
    "unknown command": (("frobnicate",), "", "No such command 'frobnicate'"),
    "unknown option": (("users", "list", "--colour"), "", "No such option"),
}


def test_usage_errors_print_one_line_and_exit_2(postline_databases, tmp_path):
    url = postline_databases.new("sqlite")
    migrate(url, ["postcode"])
    site = Site(url, tmp_path)
    site.run_ok("plugins", "install", "clitest")

    results = site.run_many([(args, stdin) for args, stdin, _ in BAD_CALLS.values()])

    for (case, (_args, _stdin, message)), result in zip(BAD_CALLS.items(), results):
        assert result.returncode == 2, (case, result.returncode, result.stderr)
        line = one_line(result.stderr)
        assert line.startswith("postline: error: ") and message in line, (case, line)
        assert "Traceback" not in result.stderr and result.stdout == "", case
    with site.app():
        assert db.session.scalars(select(User)).all() == []
    assert "clitest_note" in _tables(site)  # the refused uninstall dropped nothing
