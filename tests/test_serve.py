"""``postline serve`` and the three roles as real processes: they come up on the ports the
environment gives them, answer (web: /healthz; agi: a FastAGI conversation), and stop
cleanly: SIGINT to serve stops all three children and leaves no orphan; a child that dies
takes the others down and serve exits 1; each role alone stops on SIGTERM with exit 0.

Waits are bounded polls (``wait_for``), never fixed sleeps."""
from __future__ import annotations

import json
import signal
import socket
import subprocess
import urllib.request
from contextlib import ExitStack
from pathlib import Path

import pytest

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

#: What Asterisk sends first (AGI.md: this order, blank line at the end; values may hold
#: ':' and non-ASCII, or be empty).
AGI_ENV = [
    ("agi_network", "yes"),
    ("agi_network_script", "postline?line=11185"),
    ("agi_request", "agi://127.0.0.1:{port}/postline?line=11185"),
    ("agi_channel", "PJSIP/trunk-gd-00000a1f"),
    ("agi_language", "zh"),
    ("agi_type", "PJSIP"),
    ("agi_uniqueid", "1700000000.4711"),
    ("agi_version", "20.5.2"),
    ("agi_callerid", "13800000002"),
    ("agi_calleridname", "王芳"),
    ("agi_callingpres", "0"),
    ("agi_callingani2", "0"),
    ("agi_callington", "0"),
    ("agi_callingtns", "0"),
    ("agi_dnid", "11185"),
    ("agi_rdnis", "unknown"),
    ("agi_context", "postline-ivr"),
    ("agi_extension", "11185"),
    ("agi_priority", "2"),
    ("agi_enhanced", "0.0"),
    ("agi_accountcode", ""),
    ("agi_threadid", "140233423423232"),
    ("agi_arg_1", "zh_CN"),
]


@pytest.fixture
def site(postline_databases, tmp_path):
    """A fresh migrated SQLite site and two free ports for it."""
    url = postline_databases.new("sqlite")
    migrate(url, ["postcode"])
    site = Site(url, tmp_path, plugins="postcode")
    site.web_port, site.agi_port = free_port(), free_port()
    return site


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


def agi_call(port: int) -> tuple[bytes, bytes]:
    """One call as Asterisk makes it: the environment, then the server's first command;
    we answer it and the server hangs up (what is left to read is returned)."""
    block = "".join(f"{key}: {value.format(port=port)}\n" for key, value in AGI_ENV) + "\n"
    with socket.create_connection(("127.0.0.1", port), timeout=WAIT_SECONDS) as sock:
        sock.sendall(block.encode("utf-8"))
        reader = sock.makefile("rb")
        command = reader.readline()
        sock.sendall(b"200 result=1\n")
        rest = reader.read()  # until the server closes the connection
    return command, rest


def role_children(pid: int) -> dict[str, int]:
    """serve's children by role, from their command lines (``... app.cli <role>``)."""
    found = {}
    for child in descendants(pid):
        argv = [a for a in cmdline(child) if a]
        if len(argv) >= 3 and argv[-2] == "app.cli" and argv[-1] in ("web", "agi", "worker"):
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
        command, rest = agi_call(site.agi_port)
        assert command == b'SET VARIABLE POSTLINE_STATUS "ERROR"\n'
        assert rest == b""  # and then it hung up

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
