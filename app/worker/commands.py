"""``postline worker``. The scheduler (APScheduler) is imported when the worker starts, not
by every ``postline`` command nor by the web and agi processes."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("worker")
@with_appcontext
def worker_command() -> None:
    """Run scheduled jobs (one worker per site holds the scheduler)."""
    from app.worker import run_worker

    run_worker(current_app._get_current_object())
