"""``postline demo load``: what every room and plugin declares as demonstration data."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from app.audit.acting import as_cli_user
from app.auth.demo import DEMO_PASSWORD
from app.auth.roles import ROLES
from app.pluginhost import collect


@click.group("demo", cls=AppGroup)
def demo_group() -> None:
    """Demonstration data."""


@demo_group.command("load")
@as_cli_user
def demo_load() -> None:
    """Load one user of every role, departments, customers, hotlines (safe to run twice)."""
    counts: dict[str, int] = {}
    for data in collect("postline_demo_data"):
        counts.update(data.load())
    click.echo("demo data: " + ", ".join(f"{k} +{v}" for k, v in counts.items()))
    click.echo(f"demo logins (password {DEMO_PASSWORD!r}): " + ", ".join(ROLES))
