"""Running ``postline`` as a real subprocess against a fresh test database, and the small
plugins those runs use (tests/test_cli.py, test_config.py, test_migrations.py, test_serve.py).

The fixture plugins live in a temporary folder put on ``PYTHONPATH`` of the subprocesses
only, with a ``.dist-info`` that declares their ``postline.plugins`` entry points: the
subprocess discovers them exactly as it would a pip-installed third-party plugin, while the
pytest process (and its shared ``db.metadata``) never imports them."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any, TypeVar

from flask import Flask

from app import create_app
from app.testing.pytest_plugin import base_config

T = TypeVar("T")

#: ``.venv/bin/postline`` beside the interpreter running the tests; ``python -m app.commands``
#: when the console script is not installed there.
_SCRIPT = Path(sys.executable).with_name("postline")
POSTLINE = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "app.commands"]
RUN_TIMEOUT = 180  # seconds: a hung command fails the test instead of hanging the suite (generous:
#                   the suite runs one process per core, so a command may wait for a core)
WAIT_SECONDS = 60  # bounded polling for processes to come up or go away

FIXTURE_VERSION = "1.2.3"
FIXTURE_REVISION = "c11e57000001"
CLI_LOGIN = "clitester"

_PLUGIN = '''"""A plugin with one table, its own migration history and one hook."""
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.api import Permission, db, hookimpl


class Note(db.Model):
    __tablename__ = "clitest_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(String(100))


@hookimpl
def postline_permissions():
    return [Permission("clitest.view", "View notes", roles=("agent",))]
'''

_REVISION = f'''"""clitest note

Revision ID: {FIXTURE_REVISION}
Revises:
"""
from alembic import op
import sqlalchemy as sa

revision = "{FIXTURE_REVISION}"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "clitest_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clitest_note")),
    )


def downgrade():
    op.drop_table("clitest_note")
'''


def write_fixture_plugins(folder: Path) -> Path:
    """``clitest`` (a table and a history), ``clibroken`` (fails to import) and ``cliidle``
    (never enabled), declared by one distribution ``postline-cli-fixtures``."""
    folder.mkdir(parents=True, exist_ok=True)
    package = folder / "postline_clitest"
    (package / "migrations" / "versions").mkdir(parents=True, exist_ok=True)
    (package / "__init__.py").write_text(_PLUGIN, encoding="utf-8")
    (package / "migrations" / "versions" / f"{FIXTURE_REVISION}_clitest_note.py").write_text(
        _REVISION, encoding="utf-8")
    (folder / "postline_clibroken").mkdir(exist_ok=True)
    (folder / "postline_clibroken" / "__init__.py").write_text(
        'raise ImportError("clibroken needs the frobnicator library")\n', encoding="utf-8")
    (folder / "postline_cliidle").mkdir(exist_ok=True)
    (folder / "postline_cliidle" / "__init__.py").write_text('"""Never enabled."""\n',
                                                             encoding="utf-8")
    dist = folder / f"postline_cli_fixtures-{FIXTURE_VERSION}.dist-info"
    dist.mkdir(exist_ok=True)
    (dist / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: postline-cli-fixtures\nVersion: {FIXTURE_VERSION}\n",
        encoding="utf-8")
    (dist / "entry_points.txt").write_text(
        "[postline.plugins]\nclitest = postline_clitest\nclibroken = postline_clibroken\n"
        "cliidle = postline_cliidle\n", encoding="utf-8")
    return folder


def clean_environ() -> dict[str, str]:
    """The test runner's environment without any ``POSTLINE_*`` a developer may have set."""
    return {k: v for k, v in os.environ.items() if not k.startswith("POSTLINE_")}


class Site:
    """One PostLine installation as the subprocesses see it: database, instance folder,
    enabled plugins, and the fixture plugins on the path."""

    def __init__(self, database_url: str, tmp: Path, plugins: str = "postcode,clitest") -> None:
        self.database_url = database_url
        self.instance = tmp / "instance"
        self.instance.mkdir(parents=True, exist_ok=True)
        self.plugin_path = write_fixture_plugins(tmp / "fixture-plugins")
        self.plugins = plugins

    def env(self, **overrides: str | None) -> dict[str, str]:
        env = clean_environ()
        env.update({
            "POSTLINE_DATABASE_URL": self.database_url,
            "POSTLINE_SECRET_KEY": "cli-test-secret-key",
            "POSTLINE_PLUGINS": self.plugins,
            "POSTLINE_INSTANCE_PATH": str(self.instance),
            "PYTHONPATH": os.pathsep.join(filter(None, [str(self.plugin_path),
                                                        os.environ.get("PYTHONPATH")])),
            "LOGNAME": CLI_LOGIN,  # getpass.getuser() reads it first: the audit actor
            "PYTHONUNBUFFERED": "1",
        })
        for key, value in overrides.items():
            if value is None:
                env.pop(key, None)
            else:
                env[key] = value
        return env

    def run(self, *args: str, stdin: str = "", env: dict[str, str] | None = None
            ) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*POSTLINE, *args], input=stdin, capture_output=True, text=True,
                              env=env or self.env(), timeout=RUN_TIMEOUT)

    def run_ok(self, *args: str, stdin: str = "", env: dict[str, str] | None = None) -> str:
        result = self.run(*args, stdin=stdin, env=env)
        assert result.returncode == 0, (args, result.returncode, result.stdout, result.stderr)
        return result.stdout

    def run_many(self, calls: list[tuple[tuple[str, ...], str] | tuple[tuple[str, ...], str, dict[str, str]]]
                 ) -> list[subprocess.CompletedProcess[str]]:
        """Independent commands (``(args, stdin[, env])``) side by side: each costs about a
        second to start."""
        procs = [subprocess.Popen([*POSTLINE, *call[0]], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                  env=call[2] if len(call) > 2 else self.env())
                 for call in calls]
        results = []
        for proc, call in zip(procs, calls):
            out, err = proc.communicate(call[1], timeout=RUN_TIMEOUT)
            results.append(subprocess.CompletedProcess(list(call[0]), proc.returncode, out, err))
        return results

    @contextmanager
    def app(self, plugins: str = "postcode") -> Iterator[Flask]:
        """The same database seen from inside the test process (to check what the
        commands did); the fixture plugins are not importable here."""
        from app.extensions import db

        application = create_app(base_config(self.database_url, plugins.split(",")))
        with application.app_context():
            try:
                yield application
            finally:
                db.session.remove()
                db.engine.dispose()


def one_line(text: str) -> str:
    lines = text.splitlines()
    assert len(lines) == 1, f"expected exactly one line, got {lines!r}"
    return lines[0]


def free_port() -> int:
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(condition: Callable[[], T], what: str, seconds: float = WAIT_SECONDS) -> T:
    """Poll ``condition`` until it returns something truthy (bounded; no sleeps as asserts)."""
    deadline = time.monotonic() + seconds
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up after {seconds}s waiting for {what}")
        time.sleep(0.05)


def port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


# --- processes, read from /proc (Linux) -------------------------------------------------

def _stat(pid: int) -> tuple[str, int] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    fields = raw.rsplit(")", 1)[1].split()
    return fields[0], int(fields[1])  # state, parent pid


def alive(pid: int) -> bool:
    """Running (a zombie waiting to be reaped counts as gone)."""
    stat = _stat(pid)
    return stat is not None and stat[0] != "Z"


def descendants(pid: int) -> set[int]:
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            stat = _stat(int(entry.name))
            if stat is not None and stat[0] != "Z":
                parents.setdefault(stat[1], []).append(int(entry.name))
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def cmdline(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
    except (FileNotFoundError, ProcessLookupError):
        return []


def kill_tree(proc: subprocess.Popen[Any]) -> None:
    """Clean-up after a failed test: nothing we started may outlive the test. ``proc`` was
    started with ``start_new_session=True``, so its process group also holds the orphans
    that a broken ``serve`` would leave behind (re-parented, no longer its descendants)."""
    for pid in descendants(proc.pid) | {proc.pid}:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        pass
