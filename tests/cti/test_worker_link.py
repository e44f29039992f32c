"""``postline worker`` holds the AMI link while it holds the site's scheduler lock, and
only then: one connection per site, each event handled once."""
from __future__ import annotations

import logging
import threading
from typing import Any

import pytest

from app import worker
from app.cti.link_state import current
from app.extensions import db

from cli_support import wait_for

JOIN_SECONDS = 20


@pytest.fixture
def app_config(app_config: dict[str, Any], ami_server: Any) -> dict[str, Any]:
    return {**app_config, "AMI_HOST": "127.0.0.1", "AMI_PORT": ami_server.port, "AMI_SECRET": "s3cret",
            "AMI_POLL_SECONDS": 0.05, "AMI_RETRY_MIN": 0.05, "AMI_RETRY_MAX": 0.2,
            "WORKER_LOCK_CHECK_SECONDS": 0.1}


def link_state() -> str | None:
    db.session.expire_all()
    row = current()
    return row.state if row else None


def test_the_worker_logs_in_to_asterisk_and_off_again_when_it_stops(app, ami_server):
    stop = threading.Event()
    thread = threading.Thread(target=worker.run_worker, args=(app, stop), daemon=True)
    thread.start()
    try:
        wait_for(lambda: link_state() == "up", "the worker's link up")
        assert len(ami_server.listening_clients()) == 1
    finally:
        stop.set()
        thread.join(JOIN_SECONDS)
    assert not thread.is_alive(), "run_worker did not return after stop"
    assert ami_server.actions_named("Logoff") and not ami_server.clients()
    assert link_state() == "down"


def test_a_worker_waiting_for_the_lock_does_not_connect(app, ami_server, monkeypatch, caplog):
    caplog.set_level(logging.INFO, logger="postline.worker")
    monkeypatch.setattr(worker, "LOCK_RETRY_SECONDS", 0.05)
    stop, holds, release = threading.Event(), threading.Event(), threading.Event()

    def holder() -> None:  # another worker of the site holds the lock
        with worker.scheduler_lock(app, stop) as held:
            assert held
            holds.set()
            release.wait(JOIN_SECONDS)

    other = threading.Thread(target=holder, daemon=True)
    other.start()
    assert holds.wait(JOIN_SECONDS)
    waiting = threading.Thread(target=worker.run_worker, args=(app, stop), daemon=True)
    waiting.start()
    try:
        wait_for(lambda: caplog.text.count("another worker holds") >= 2, "the second worker waiting")
        assert ami_server.connections == 0 and current() is None
        release.set()
        wait_for(lambda: link_state() == "up", "the link up once this worker holds the lock")
    finally:
        release.set()
        stop.set()
        waiting.join(JOIN_SECONDS)
        other.join(JOIN_SECONDS)
    assert ami_server.connections == 1
