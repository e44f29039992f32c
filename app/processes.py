"""Running the web role, and ``postline serve``: web, agi and worker as three child
processes of one command, for the embedded single-machine install."""
from __future__ import annotations

import logging
import signal
import subprocess
import sys
import threading
import time
from typing import Any

from flask import Flask

log = logging.getLogger("postline.serve")

ROLES = ("web", "agi", "worker")
STOP_GRACE_SECONDS = 10


def run_web(app: Flask, host: str | None, port: int | None, workers: int, dev: bool) -> None:
    host = host or app.config["WEB_HOST"]
    port = port or app.config["WEB_PORT"]
    if dev:
        app.run(host=host, port=port, debug=True, use_reloader=True)
        return
    from gunicorn.app.base import BaseApplication

    class Gunicorn(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("worker_class", "gthread")
            self.cfg.set("threads", 4)
            self.cfg.set("accesslog", "-")
            self.cfg.set("proc_name", "postline-web")
            # A worker forked just before a SIGTERM may miss it (it still has the master's
            # handlers); gunicorn then waits graceful_timeout (30 s) before killing it. Pages
            # answer in well under a second, so 10 s is plenty for requests in flight.
            self.cfg.set("graceful_timeout", 10)
            if "control_socket_disable" in self.cfg.settings:
                # gunicorn >= 25 opens one control socket per user ($HOME/.gunicorn), which
                # several sites (or web processes) on one host would fight over; unused here.
                self.cfg.set("control_socket_disable", True)

        def load(self) -> Any:
            return app

    Gunicorn().run()


def stop_on_signals() -> threading.Event:
    """An event set by SIGTERM or SIGINT (Ctrl-C): how every role is asked to stop."""
    stop = threading.Event()

    def request_stop(_signum: int, _frame: Any) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    return stop


def serve(app: Flask) -> int:
    """Start the three roles; stop all when one dies or on Ctrl-C/SIGTERM. Returns the exit
    code: 0 after a requested stop, 1 when a role died by itself."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    stop = stop_on_signals()  # before the children exist: a Ctrl-C now must not orphan them
    children: dict[str, subprocess.Popen[bytes]] = {}
    try:
        for role in ROLES:
            children[role] = subprocess.Popen([sys.executable, "-m", "app.cli", role])
    except OSError:
        log.exception("could not start the %s role", role)
        _stop_all(children)
        return 1
    click_url = f"http://{app.config['WEB_HOST']}:{app.config['WEB_PORT']}/"
    log.info("PostLine is starting: web %s, agi %s:%s", click_url, app.config["AGI_HOST"],
             app.config["AGI_PORT"])
    died = None
    while died is None and not stop.wait(0.2):
        died = next((role for role, p in children.items() if p.poll() is not None), None)
    if died:
        log.error("%s stopped (exit %s); stopping the others", died, children[died].returncode)
    _stop_all(children)
    return 1 if died else 0


def _stop_all(children: dict[str, subprocess.Popen[bytes]]) -> None:
    for process in children.values():
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for role, process in children.items():
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            log.warning("%s did not stop in %ss; killing it", role, STOP_GRACE_SECONDS)
            process.kill()
            process.wait()
    log.info("PostLine stopped")
