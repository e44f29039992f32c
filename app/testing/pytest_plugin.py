"""Fixtures for testing PostLine and its plugins on both databases.

Every test that uses ``app`` runs twice: on SQLite and on PostgreSQL
(``POSTLINE_TEST_DATABASE_URL``, default the local ``test`` database). Each test session
migrates one fresh schema per backend (a PostgreSQL schema of its own, so parallel runs do
not meet) and empties the tables after each test. PostgreSQL missing means skipped, or a
failure when ``POSTLINE_REQUIRE_PG=1`` (CI). ``POSTLINE_TEST_BACKENDS=sqlite`` limits a
quick local run to one backend.

Plugin authors override the ``postline_plugins`` fixture to enable their plugin.
``agi_server`` and ``fake_asterisk`` drive calls through the real FastAGI server with an
Asterisk emulator (:mod:`app.testing.asterisk`); they need no database of their own.
``ami_server`` is an emulated Asterisk Manager Interface (:mod:`app.testing.ami`) for the
worker's AMI link."""
from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, inspect, text

from app import create_app
from app.testing import submit

PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
BACKENDS = ("sqlite", "postgresql")
TEST_PASSWORD = "correct horse battery"


def _backends() -> list[str]:
    chosen = os.environ.get("POSTLINE_TEST_BACKENDS", ",".join(BACKENDS))
    return [b for b in BACKENDS if b in chosen.split(",")]


class Databases:
    """Makes empty databases: SQLite files, or PostgreSQL schemas dropped at the end."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.pg_schemas: list[str] = []
        self.pg_url = os.environ.get("POSTLINE_TEST_DATABASE_URL", PG_DEFAULT)
        self._pg_ok: bool | None = None

    def new(self, backend: str) -> str:
        if backend == "sqlite":
            return f"sqlite:///{self.tmp / ('db-' + uuid.uuid4().hex[:8] + '.sqlite')}"
        self.require_pg()
        schema = "pl_" + uuid.uuid4().hex[:12]
        engine = create_engine(self.pg_url)
        with engine.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        engine.dispose()
        self.pg_schemas.append(schema)
        sep = "&" if "?" in self.pg_url else "?"
        return f"{self.pg_url}{sep}options=-csearch_path%3D{schema}"

    def require_pg(self) -> None:
        if self._pg_ok is None:
            try:
                engine = create_engine(self.pg_url, connect_args={"connect_timeout": 3})
                with engine.connect() as conn:
                    conn.execute(text("SELECT 1"))
                engine.dispose()
                self._pg_ok = True
            except Exception as exc:  # any failure to reach the server
                self._pg_ok = False
                self._pg_error = f"PostgreSQL unreachable at {self.pg_url}: {exc}"
        if not self._pg_ok:
            if os.environ.get("POSTLINE_REQUIRE_PG") == "1":
                pytest.fail(self._pg_error + " (POSTLINE_REQUIRE_PG=1)")
            pytest.skip(self._pg_error)

    def drop_all(self) -> None:
        if not self.pg_schemas:
            return
        engine = create_engine(self.pg_url)
        with engine.begin() as conn:
            for schema in self.pg_schemas:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()


@pytest.fixture(scope="session")
def postline_databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Databases]:
    databases = Databases(tmp_path_factory.mktemp("postline-db"))
    yield databases
    databases.drop_all()


def all_plugin_names() -> list[str]:
    from app.pluginhost.loader import discover

    return sorted(discover())


def base_config(database_url: str, plugins: list[str]) -> dict[str, Any]:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-" + uuid.uuid4().hex,
        "DATABASE_URL": database_url,
        "PLUGINS": ",".join(plugins),
        "SERVER_NAME": "postline.test",
        # The emulated Asterisk knows prompts by their names, as if its own sounds folder
        # held them: transcripts then read "welcome-11185", not a temporary path.
        "SOUNDS_PREFIX": "",
        # A fast hash: the suite makes and logs in thousands of users, and scrypt costs
        # 0.14 s of CPU each time. What is tested (hashed, checked, never logged) is the same.
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    }


def migrate(database_url: str, plugins: list[str]) -> None:
    from app.extensions import db
    from app.pluginhost.migrations import upgrade_all

    app = create_app(base_config(database_url, plugins))
    with app.app_context():
        upgrade_all()
        db.engine.dispose()


@pytest.fixture(scope="session", params=_backends())
def postline_database(request: pytest.FixtureRequest, postline_databases: Databases) -> str:
    """A migrated database per backend, with the tables of every plugin found."""
    url = postline_databases.new(request.param)
    migrate(url, all_plugin_names())
    return url


@pytest.fixture
def postline_plugins() -> list[str]:
    """Plugins enabled in ``app``; override in a plugin's conftest to enable it."""
    from app.config import SHIPPED_PLUGINS

    return list(SHIPPED_PLUGINS)


@pytest.fixture
def app_config(postline_database: str, postline_plugins: list[str]) -> dict[str, Any]:
    return base_config(postline_database, postline_plugins)


class RequestIsolatedClient(FlaskClient):
    """Each request gets its own app context (its own ``g`` and database session), as in
    production. Without this, the test's own app context would be shared by every request:
    ``g`` (CSRF token, navigation) and ORM state would leak from one request to the next."""

    def open(self, *args: Any, **kwargs: Any) -> Any:
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def app(app_config: dict[str, Any]) -> Iterator[Flask]:
    """The app, with an app context pushed for the test body (``db.session`` works)."""
    from app.background import flush_all
    from app.extensions import db

    application = create_app(app_config)
    application.test_client_class = RequestIsolatedClient
    with application.app_context():
        yield application
        flush_all(application)
        db.session.remove()
        empty_tables(db)
        db.engine.dispose()


def empty_tables(db: Any) -> None:
    """Delete every row (the schema stays): the next test starts from empty tables."""
    existing = set(inspect(db.engine).get_table_names())
    with db.engine.begin() as conn:
        for table in reversed(db.metadata.sorted_tables):
            if table.name in existing:
                conn.execute(table.delete())
        if "apscheduler_jobs" in existing:
            conn.execute(text("DELETE FROM apscheduler_jobs"))


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def make_user(app: Flask) -> Callable[..., Any]:
    """``make_user("agent")`` → a saved user with that role (password TEST_PASSWORD)."""
    from app.auth.models import User
    from app.extensions import db

    def make(*roles: str, username: str | None = None, password: str = TEST_PASSWORD) -> User:
        user = User(username=username or f"{'-'.join(roles) or 'none'}-{uuid.uuid4().hex[:6]}",
                    display_name="测试")
        user.set_password(password)
        user.set_roles(set(roles))
        db.session.add(user)
        db.session.commit()
        return user

    return make


@pytest.fixture
def client_for(app: Flask) -> Callable[[Any], FlaskClient]:
    """``client_for(user)`` → a new test client logged in as ``user`` (a user made with
    ``make_user``, whose password is TEST_PASSWORD): one client per person of a scenario."""

    def log_in(user: Any) -> FlaskClient:
        client = app.test_client()
        response = submit(client, "/auth/login", {"username": user.username, "password": TEST_PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return log_in


@pytest.fixture
def login(client: FlaskClient, make_user: Callable[..., Any]) -> Callable[..., FlaskClient]:
    """``login("manager")`` → the test client, logged in as a new user with that role."""

    def do_login(*roles: str) -> FlaskClient:
        user = make_user(*roles)
        response = submit(client, "/auth/login", {"username": user.username, "password": TEST_PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return do_login


@pytest.fixture
def agi_server() -> Iterator[Callable[..., Any]]:
    """Factory: ``agi_server(handler)`` starts PostLine's FastAGI server on a free loopback
    port with ``handler(channel)`` (``agi_server(app=app)``: the real IVR engine) and
    returns it (``.address``, ``.call(script, keys=[...])``, ``.server``); every server
    started is stopped after the test. Keyword settings (``max_calls``,
    ``command_timeout``, ``call_deadline``, ``stop_grace``) override the short test limits."""
    from app.testing.asterisk import start_agi_server

    started: list[Any] = []

    def start(handler: Callable[..., None] | None = None, **options: Any) -> Any:
        running = start_agi_server(handler, **options)
        started.append(running)
        return running

    yield start
    for running in started:
        running.stop(grace=1.0)


@pytest.fixture
def fake_asterisk() -> Any:
    """The Asterisk emulator (:mod:`app.testing.asterisk`): ``fake_asterisk.call(address,
    "ivr?line=11185", keys=["1", "110000#"], hangup_at=4)`` returns the transcript;
    ``.garbage``, ``.partial_environment``, ``.silent`` misbehave on purpose."""
    from app.testing.asterisk import AsteriskEmulator

    return AsteriskEmulator()


@pytest.fixture
def ami_server() -> Iterator[Any]:
    """The Asterisk Manager Interface emulator (:mod:`app.testing.ami`), listening on a free
    loopback port (``.port``), user ``postline`` with secret ``s3cret``; stopped after the
    test. ``.emit("AgentConnect", Queue="11185")``, ``.drop(mid_event=True)``,
    ``.stop()``/``.start()`` (same port), ``.actions_named("QueuePause")``."""
    from app.testing.ami import AmiEmulator

    server = AmiEmulator().start()
    yield server
    server.stop()
