"""Where settings come from, lowest first: defaults in code, ``config.py`` in the instance
folder, ``POSTLINE_*`` environment variables, the dict given to ``create_app``. And the
guard rails: no production start with the shipped secret key, ``postline init`` writes a
private random key once."""
from __future__ import annotations

import os
import re
import stat

import pytest
from click.testing import CliRunner

from app import ConfigurationError, create_app
from app.commands import cli
from app.config import DEFAULT_SECRET_KEY, Defaults

from cli_support import Site, one_line


@pytest.fixture
def instance(tmp_path, monkeypatch):
    """An empty instance folder, chosen through POSTLINE_INSTANCE_PATH, and no other
    POSTLINE_* variable from the developer's shell."""
    for key in list(os.environ):
        if key.startswith("POSTLINE_") and not key.startswith(("POSTLINE_TEST_", "POSTLINE_REQUIRE")):
            monkeypatch.delenv(key)
    folder = tmp_path / "instance"
    folder.mkdir()
    monkeypatch.setenv("POSTLINE_INSTANCE_PATH", str(folder))
    return folder


def test_each_layer_overrides_the_one_below(instance, monkeypatch, tmp_path):
    (instance / "config.py").write_text(
        "SECRET_KEY = 'from-the-instance-file'\n"
        "TIMEZONE = 'Asia/Urumqi'\n"
        "WEB_PORT = 7001\n"
        "AGI_PORT = 7002\n"
        "LOGIN_MAX_FAILURES = 3\n", encoding="utf-8")
    monkeypatch.setenv("POSTLINE_WEB_PORT", "8001")
    monkeypatch.setenv("POSTLINE_LOGIN_MAX_FAILURES", "4")
    monkeypatch.setenv("POSTLINE_SKIP_BROKEN_PLUGINS", "true")
    monkeypatch.setenv("POSTLINE_DATABASE_URL", f"sqlite:///{tmp_path / 'env.sqlite'}")

    app = create_app({"LOGIN_MAX_FAILURES": 9})

    assert app.instance_path == str(instance)
    assert app.config["AGI_HOST"] == Defaults.AGI_HOST  # default only
    assert app.config["SECRET_KEY"] == "from-the-instance-file"  # file over default
    assert app.config["TIMEZONE"] == "Asia/Urumqi"
    assert app.config["AGI_PORT"] == 7002
    assert app.config["WEB_PORT"] == 8001  # environment over file, parsed as an int
    assert app.config["SKIP_BROKEN_PLUGINS"] is True
    assert app.config["LOGIN_MAX_FAILURES"] == 9  # explicit over environment
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'env.sqlite'}"


def test_without_a_database_url_the_embedded_sqlite_lives_in_the_instance_folder(instance):
    app = create_app({"TESTING": True})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{instance / 'postline.sqlite'}"


@pytest.mark.parametrize("given", ["postgres://pl:pw@db.example:5432/postline",
                                   "postgresql://pl:pw@db.example:5432/postline"])
def test_postgres_urls_use_psycopg_3(instance, given):
    app = create_app({"TESTING": True, "DATABASE_URL": given})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://pl:pw@db.example:5432/postline"
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_pre_ping"] is True


def test_production_refuses_the_default_secret_key(instance, tmp_path):
    database = {"DATABASE_URL": f"sqlite:///{tmp_path / 'p.sqlite'}"}
    with pytest.raises(ConfigurationError, match="default secret key") as refused:
        create_app(database)
    assert "postline init" in str(refused.value)
    with pytest.raises(ConfigurationError):
        create_app({**database, "ENV": "production", "SECRET_KEY": DEFAULT_SECRET_KEY})
    # A key of the site's own, development, or tests: allowed.
    assert create_app({**database, "SECRET_KEY": "a-key-of-our-own"}).config["ENV"] == "production"
    assert create_app({**database, "ENV": "development"}).secret_key == DEFAULT_SECRET_KEY
    assert create_app({**database, "TESTING": True}).testing


def test_postline_init_writes_a_private_random_key_once_and_the_app_uses_it(
        postline_databases, tmp_path, monkeypatch):
    site = Site(postline_databases.new("sqlite"), tmp_path)
    fresh = tmp_path / "new-site"  # not there yet: init creates it
    env = site.env(POSTLINE_INSTANCE_PATH=str(fresh), POSTLINE_SECRET_KEY=None)
    # The site before init, in production with the shipped key: one line, exit 1.
    refused = site.run("users", "list", env=env)
    assert refused.returncode == 1
    assert "default secret key" in one_line(refused.stderr) and refused.stdout == ""

    written = site.run("init", env=env)
    assert written.returncode == 0, written.stderr
    target = fresh / "config.py"
    assert f"wrote {target}" in written.stdout
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    text = target.read_text(encoding="utf-8")
    key = re.search(r"^SECRET_KEY = '([0-9a-f]{64})'$", text, re.M).group(1)

    again = site.run_ok("init", env=env)
    assert "exists; left as it is" in again
    assert target.read_text(encoding="utf-8") == text

    # Another site gets another key (init in-process: the command needs no app).
    other = tmp_path / "other-site"
    result = CliRunner().invoke(cli, ["init", "--instance", str(other)])
    assert result.exit_code == 0, result.output
    assert key not in (other / "config.py").read_text(encoding="utf-8")

    # The written key is what the app reads, so production starts.
    for name in [k for k in os.environ if k.startswith("POSTLINE_") and "TEST" not in k]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("POSTLINE_INSTANCE_PATH", str(fresh))
    app = create_app({"DATABASE_URL": site.database_url})
    assert app.config["SECRET_KEY"] == key and app.config["ENV"] == "production"


def test_environment_values_are_typed_by_their_default(instance, monkeypatch):
    monkeypatch.setenv("POSTLINE_SECRET_KEY", "12345")
    monkeypatch.setenv("POSTLINE_TIMEZONE", "true")
    monkeypatch.setenv("POSTLINE_AGI_MAX_CALLS", "600")
    monkeypatch.setenv("POSTLINE_SESSION_COOKIE_SECURE", "yes")
    monkeypatch.setenv("POSTLINE_LOGIN_FAILURE_WINDOW", "600")
    monkeypatch.setenv("POSTLINE_SQLALCHEMY_ENGINE_OPTIONS__pool_size", "3")
    app = create_app({"TESTING": True})
    assert app.config["SECRET_KEY"] == "12345"  # text stays text, even when it looks like a number
    assert app.config["TIMEZONE"] == "true"
    assert app.config["AGI_MAX_CALLS"] == 600
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["LOGIN_FAILURE_WINDOW"].total_seconds() == 600
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_size"] == 3


@pytest.mark.parametrize("variable, value, expected", [
    ("POSTLINE_AGI_MAX_CALLS", "lots", "POSTLINE_AGI_MAX_CALLS: expected a whole number, got 'lots'"),
    ("POSTLINE_SKIP_BROKEN_PLUGINS", "maybe", "POSTLINE_SKIP_BROKEN_PLUGINS: expected true or false"),
    ("POSTLINE_LOGIN_FAILURE_WINDOW", "15m", "expected a number of seconds, got '15m'"),
])
def test_a_bad_environment_value_is_one_clear_line(instance, monkeypatch, variable, value, expected):
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigurationError, match=re.escape(expected)) as refused:
        create_app({"TESTING": True})
    assert "\n" not in str(refused.value)


def test_a_bad_environment_value_stops_the_command_with_one_line(postline_databases, tmp_path):
    site = Site(postline_databases.new("sqlite"), tmp_path)
    refused = site.run("users", "list", env=site.env(POSTLINE_AGI_MAX_CALLS="many"))
    assert refused.returncode == 1
    assert one_line(refused.stderr) == ("postline: POSTLINE_AGI_MAX_CALLS: expected a whole number, "
                                        "got 'many'")
