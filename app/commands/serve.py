"""``postline serve``: web, agi and worker as three child processes of one command, for the
embedded single-machine install."""
from __future__ import annotations

import logging
import signal
import subprocess
import sys
import time

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from app.logging_setup import configure_logging

log = logging.getLogger("postline.serve")

ROLES = ("web", "agi", "worker")
STOP_GRACE_SECONDS = 10


@click.command("serve")
@with_appcontext
def serve_command() -> None:
    """Start web, agi and worker together; Ctrl-C stops all three."""
    sys.exit(serve(current_app._get_current_object()))


def serve(app: Flask) -> int:
    """Start the three roles; stop all when one dies or on Ctrl-C/SIGTERM. Returns the exit
    code: 0 after a requested stop, 1 when a role died by itself."""
    from app.worker.stopping import stop_on_signals  # (the worker package loads APScheduler)

    configure_logging("serve")
    stop = stop_on_signals()  # before the children exist: a Ctrl-C now must not orphan them
    children: dict[str, subprocess.Popen[bytes]] = {}
    try:
        for role in ROLES:
            children[role] = subprocess.Popen([sys.executable, "-m", "app.commands", role])
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
