"""``postline serve`` and the three roles as real processes: they come up on the ports the
environment gives them, answer (web: /healthz; agi: a FastAGI conversation), and stop
cleanly: SIGINT to serve stops all three children and leaves no orphan; a child that dies
takes the others down and serve exits 1; each role alone stops on SIGTERM with exit 0.

Waits are bounded polls (``wait_for``), never fixed sleeps."""
from __future__ import annotations

import json
import re
import signal
import socket
import subprocess
import urllib.request
from contextlib import ExitStack
from pathlib import Path

import pytest

from app.testing.asterisk import run_call
from app.testing.pytest_plugin import migrate

from cli_support import (
    POSTLINE,
    WAIT_SECONDS,
    Site,
    alive,
    cmdline,
    descendants,
    free_port,
    kill_tree,
    port_open,
    wait_for,
)


@pytest.fixture
def site(postline_databases, tmp_path):
    """A fresh migrated SQLite site and two free ports for it."""
    url = postline_databases.new("sqlite")
    migrate(url, ["postcode"])
    site = Site(url, tmp_path, plugins="postcode")
    site.web_port, site.agi_port = free_port(), free_port()
    return site


LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (DEBUG|INFO|WARNING|ERROR|CRITICAL) "
                      r"(?P<role>\w+) [\w.]+ \[[^\]]+\] .")


def start(site: Site, role: str, log: Path, **env: str) -> subprocess.Popen[bytes]:
    """``postline <role>`` in a session of its own (a failed test kills the whole tree),
    output to ``log``: a pipe nobody reads could fill and block the child."""
    environment = site.env(POSTLINE_WEB_PORT=str(site.web_port),
                           POSTLINE_AGI_PORT=str(site.agi_port), **env)
    with open(log, "wb") as out:
        return subprocess.Popen([*POSTLINE, role], env=environment, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)


def healthz(port: int) -> tuple[int, str, dict] | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
            return response.status, response.headers["Content-Type"], json.load(response)
    except OSError:
        return None


def role_children(pid: int) -> dict[str, int]:
    """serve's children by role, from their command lines (``... app.commands <role>``)."""
    found = {}
    for child in descendants(pid):
        argv = [a for a in cmdline(child) if a]
        if len(argv) >= 3 and argv[-2] == "app.commands" and argv[-1] in ("web", "agi", "worker"):
            found[argv[-1]] = child
    return found


def roles_started(pid: int, *wanted: str) -> dict[str, int] | None:
    found = role_children(pid)
    return found if set(wanted) <= found.keys() else None


def log_of(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")


def test_serve_runs_web_agi_and_worker_and_ctrl_c_stops_them_all(site, tmp_path):
    log = tmp_path / "serve.log"
    serve = start(site, "serve", log)
    try:
        status, content_type, body = wait_for(lambda: healthz(site.web_port), "/healthz")
        assert (status, content_type, body) == (200, "application/json", {"status": "ok", "database": "ok"})

        wait_for(lambda: port_open(site.agi_port), "the AGI port")
        call = run_call(("127.0.0.1", site.agi_port), "postline?line=11185",
                        env={"agi_uniqueid": "1700000000.4711"})
        assert call.ok, call.failures  # one command at a time, closed within 1 s
        assert call.status == "ERROR"  # no flow configured on this site: to an agent

        roles = wait_for(lambda: roles_started(serve.pid, "web", "agi", "worker"),
                         "three role processes")
        wait_for(lambda: "worker running" in log_of(log), "the worker to hold the scheduler")
        everyone = descendants(serve.pid)  # the roles and gunicorn's own workers
        assert set(roles.values()) <= everyone and len(everyone) > 3

        serve.send_signal(signal.SIGINT)
        assert serve.wait(WAIT_SECONDS) == 0, log_of(log)
        wait_for(lambda: not any(alive(pid) for pid in everyone), "no process left behind")
    finally:
        kill_tree(serve)
    output = log_of(log)
    # The AGI role read the whole environment (the unique id and the script came through).
    assert "call 1700000000.4711 script=postline?line=11185" in output
    assert "FastAGI stopped" in output and "worker stopped" in output
    assert "Traceback" not in output, output
    # One format for every role: time, level, role, logger, [call id], message.
    lines = {role: [line for line in output.splitlines() if LOG_LINE.match(line)
                    and LOG_LINE.match(line)["role"] == role] for role in ("serve", "web", "agi", "worker")}
    assert all(lines.values()), {role: len(found) for role, found in lines.items()}
    assert any(" INFO agi postline.agi [1700000000.4711] call 1700000000.4711 script=" in line
               for line in lines["agi"])
    assert any(" INFO worker postline.worker [-] worker running" in line for line in lines["worker"])
    assert any("GET /healthz" in line for line in lines["web"])  # gunicorn's access log too
    assert any(" INFO serve postline.serve [-] PostLine is starting" in line for line in lines["serve"])


def test_when_one_role_dies_serve_stops_the_others_and_exits_1(site, tmp_path):
    log = tmp_path / "serve.log"
    with socket.socket() as squatter:  # the AGI port is taken: the agi role cannot start
        squatter.bind(("127.0.0.1", site.agi_port))
        squatter.listen()
        serve = start(site, "serve", log)
        try:
            others = wait_for(lambda: roles_started(serve.pid, "web", "worker"),
                              "web and worker to start")
            assert serve.wait(WAIT_SECONDS) == 1, log_of(log)
            wait_for(lambda: not any(alive(others[role]) for role in ("web", "worker")),
                     "web and worker to be stopped")
            assert not (descendants(serve.pid) if alive(serve.pid) else set())
        finally:
            kill_tree(serve)
    output = log_of(log)
    assert "FastAGI cannot listen on 127.0.0.1:%d" % site.agi_port in output
    assert "agi stopped (exit 1); stopping the others" in output


def test_each_role_alone_stops_cleanly_on_sigterm(site, tmp_path):
    logs = {name: tmp_path / f"{name}.log" for name in ("web", "agi", "worker", "worker2")}
    with ExitStack() as cleanup:
        procs = {}
        for name, log in logs.items():
            procs[name] = start(site, name.rstrip("2"), log)
            cleanup.callback(kill_tree, procs[name])

        wait_for(lambda: healthz(site.web_port), "the web role")
        wait_for(lambda: port_open(site.agi_port), "the agi role")
        # One worker holds the scheduler; the other (a second worker on the same site)
        # waits for it, whichever of the two started first.
        wait_for(lambda: sum("worker running" in log_of(logs[w]) for w in ("worker", "worker2")) == 1
                 and sum("another worker holds" in log_of(logs[w]) for w in ("worker", "worker2")) == 1,
                 "one worker running and one waiting")
        family = {name: descendants(p.pid) | {p.pid} for name, p in procs.items()}

        for proc in procs.values():
            proc.send_signal(signal.SIGTERM)
        codes = {name: proc.wait(WAIT_SECONDS) for name, proc in procs.items()}
        assert codes == {name: 0 for name in procs}, {n: log_of(l) for n, l in logs.items()}
        wait_for(lambda: not any(alive(pid) for pids in family.values() for pid in pids),
                 "every process of every role to be gone")
    for name, log in logs.items():
        assert "Traceback" not in log_of(log), (name, log_of(log))
