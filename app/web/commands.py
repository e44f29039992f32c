"""``postline web``."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from app.web.server import run_web


@click.command("web")
@with_appcontext
@click.option("--host", default=None)
@click.option("--port", type=int, default=None)
@click.option("--workers", type=click.IntRange(1, 64), default=2)
@click.option("--dev", is_flag=True, help="Werkzeug with reloader and debugger (never in production).")
def web_command(host: str | None, port: int | None, workers: int, dev: bool) -> None:
    """Serve the web pages (gunicorn)."""
    run_web(current_app._get_current_object(), host, port, workers, dev)
