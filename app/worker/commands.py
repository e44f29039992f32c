"""``postline worker``."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from app.worker import run_worker


@click.command("worker")
@with_appcontext
def worker_command() -> None:
    """Run scheduled jobs (one worker per site holds the scheduler)."""
    run_worker(current_app._get_current_object())
