"""A third party's plugin: ``examples/postline-hello`` is a separate distribution,
pip-installed beside PostLine (``make install`` does it). It is found through its
``postline.plugins`` entry point, and its menu entry, page, report, IVR node, job and
setting exist only while the instance enables it.

Every test taking ``hello_enabled`` runs with the plugin enabled and disabled, on both
databases."""
from __future__ import annotations

import ast
import io
import os
import subprocess
import sys
from datetime import timedelta
from importlib.metadata import entry_points
from pathlib import Path
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, text

from app import worker
from app.audit.models import AuditLog
from app.auth.permissions import permissions
from app.config import SHIPPED_PLUGINS
from app.extensions import db
from app.pluginhost import collect, registry
from app.pluginhost.loader import ENTRY_POINT_GROUP
from app.pluginhost.settings import get_setting

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
INSTALL_HINT = "install it as the Makefile does: .venv/bin/pip install ./examples/postline-hello"


def _hello_entry_point():
    found = {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}
    assert "hello" in found, f"no 'hello' entry point in {ENTRY_POINT_GROUP}; {INSTALL_HINT}"
    return found["hello"]


@pytest.fixture(params=[True, False], ids=["hello-enabled", "hello-disabled"])
def hello_enabled(request: pytest.FixtureRequest) -> bool:
    return request.param


@pytest.fixture
def postline_plugins(hello_enabled: bool) -> list[str]:
    """The shipped plugins, plus ``hello`` when enabled (the documented override)."""
    return [*SHIPPED_PLUGINS, "hello"] if hello_enabled else list(SHIPPED_PLUGINS)


# --- found as an installed distribution -------------------------------------------------

def test_hello_is_found_through_the_entry_point_of_its_own_distribution():
    ep = _hello_entry_point()
    assert ep.value == "postline_hello"
    assert ep.dist is not None
    assert (ep.dist.name, ep.dist.version) == ("postline-hello", "0.1.0")
    assert any(req.split(";")[0].strip() == "postline" for req in ep.dist.requires or ())
    module = ep.load()
    # Imported from the installed files, not from the source folder on some sys.path.
    assert Path(module.__file__).resolve() == \
        Path(ep.dist.locate_file("postline_hello/__init__.py")).resolve(), INSTALL_HINT
    assert "examples" not in Path(module.__file__).resolve().parts, INSTALL_HINT


def test_hello_imports_postline_only_through_the_api_facade():
    source = Path(_hello_entry_point().load().__file__).read_text(encoding="utf-8")
    imported = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
        elif isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
    from_app = {name for name in imported if name == "app" or name.startswith("app.")}
    assert from_app == {"app.api"}


# --- enabled and disabled ---------------------------------------------------------------

def test_registry_shows_hello_with_its_version_and_state(app, hello_enabled):
    info = registry(app).plugins["hello"]
    assert info.version == "0.1.0"
    assert info.state == ("enabled" if hello_enabled else "disabled")
    expected_hooks = {"postline_blueprints", "postline_ivr_nodes", "postline_jobs",
                      "postline_nav_items", "postline_permissions", "postline_reports",
                      "postline_settings"}
    assert set(info.hooks) == (expected_hooks if hello_enabled else set())
    assert ("hello.view" in permissions()) is hello_enabled


def test_nav_item_and_page_only_when_enabled(login, hello_enabled):
    client = login("agent")  # agents hold hello.view
    home = client.get("/")
    assert home.status_code == 200
    assert ('data-nav="hello"' in home.get_data(as_text=True)) is hello_enabled
    page = client.get("/p/hello/")
    if hello_enabled:
        assert page.status_code == 200
        assert "您好！" in page.get_data(as_text=True)  # the setting's default
    else:
        assert page.status_code == 404


def test_nav_item_is_hidden_from_a_role_without_the_permission(login, hello_enabled):
    client = login("qa")  # qa may use PostLine but does not hold hello.view
    home = client.get("/")
    assert home.status_code == 200
    assert 'data-nav="customers"' in home.get_data(as_text=True)  # the menu is rendered
    assert 'data-nav="hello"' not in home.get_data(as_text=True)
    assert client.get("/p/hello/").status_code == (403 if hello_enabled else 404)


def test_report_is_listed_and_downloads_only_when_enabled(login, hello_enabled):
    client = login("manager")  # managers hold reports.view and hello.view
    listing = client.get("/reports/")
    assert listing.status_code == 200
    assert ('data-report="hello.greetings"' in listing.get_data(as_text=True)) is hello_enabled
    download = client.get("/reports/hello.greetings")
    if not hello_enabled:
        assert download.status_code == 404
        return
    assert download.status_code == 200
    assert download.mimetype == XLSX
    assert "hello.greetings-" in download.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(download.data), read_only=True).worksheets[0]
    assert list(sheet.values) == [("语言", "问候语"), ("中文", "您好"), ("English", "Hello")]


def test_ivr_node_only_when_enabled_and_tagged_with_its_plugin(app, hello_enabled):
    nodes = {node.name: node for node in collect("postline_ivr_nodes")}
    assert ("hello.greet" in nodes) is hello_enabled
    if hello_enabled:
        node = nodes["hello.greet"]
        assert node.plugin == "hello"
        call = SimpleNamespace(data={})  # the IVR engine's call object, reduced to its data
        assert node.node_class().run(call) == "next"
        assert call.data == {"hello.greeted": True}


def test_setting_has_its_default_only_when_enabled(app, hello_enabled):
    if hello_enabled:
        assert get_setting("hello", "greeting") == "您好！"
    else:
        with pytest.raises(KeyError):
            get_setting("hello", "greeting")


def _heartbeats() -> list[AuditLog]:
    return list(db.session.scalars(
        select(AuditLog).where(AuditLog.action == "heartbeat", AuditLog.object_type == "hello")))


def test_job_is_scheduled_in_our_database_and_runs_only_when_enabled(app, hello_enabled, monkeypatch):
    jobs = worker.declared_jobs(app)
    assert ("hello.heartbeat" in jobs) is hello_enabled

    scheduler = worker.make_scheduler(app)
    scheduler.start(paused=True)
    try:
        worker.sync_jobs(scheduler, jobs)
    finally:
        scheduler.shutdown(wait=False)
    stored = set(db.session.scalars(text("SELECT id FROM apscheduler_jobs")))
    assert ("hello.heartbeat" in stored) is hello_enabled

    # What run_worker does before starting the scheduler: the app the jobs run in.
    monkeypatch.setattr(worker, "_worker_app", app)
    if not hello_enabled:
        worker.run_job("hello.heartbeat")  # a stale id: logged and skipped
        assert _heartbeats() == []
        return

    # A fresh scheduler reads the job back from the table and runs what it stored.
    again = worker.make_scheduler(app)
    again.start(paused=True)
    try:
        job = again.get_job("hello.heartbeat")
        assert job is not None
        assert job.trigger.interval == timedelta(minutes=10)
        assert job.func is worker.run_job and list(job.args) == ["hello.heartbeat"]
        assert _heartbeats() == []
        job.func(*job.args)
    finally:
        again.shutdown(wait=False)
    db.session.rollback()  # read what the job committed, not an older snapshot
    beats = _heartbeats()
    assert [b.actor for b in beats] == ["job:hello.heartbeat"]


def test_plugins_list_command_shows_hello_enabled_or_disabled(app, hello_enabled, tmp_path):
    """``postline plugins list`` in a process of its own, configured the way an operator
    does it: through the environment."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("POSTLINE_")}
    env.update(POSTLINE_DATABASE_URL=app.config["DATABASE_URL"],
               POSTLINE_SECRET_KEY=app.config["SECRET_KEY"],
               POSTLINE_PLUGINS=app.config["PLUGINS"])
    postline = Path(sys.executable).parent / "postline"
    result = subprocess.run([str(postline), "plugins", "list"], env=env, cwd=tmp_path,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    rows = {line.split("\t")[0]: line.split("\t") for line in result.stdout.splitlines()}
    assert rows["name"] == ["name", "version", "enabled", "installed", "hooks", "error"]
    name, version, enabled, _installed, hooks, error = rows["hello"]
    assert (version, error) == ("0.1.0", "-")
    if hello_enabled:
        assert enabled == "yes"
        assert set(hooks.split(",")) == {"blueprints", "ivr_nodes", "jobs", "nav_items",
                                         "permissions", "reports", "settings"}
    else:
        assert (enabled, hooks) == ("no", "-")
