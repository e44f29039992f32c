"""``postline db upgrade|current|revision``: the core's and every plugin's schema.

Alembic (with Mako) is imported when one of these commands runs, not by every ``postline``
command nor by the web and agi processes."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from app.audit.acting import as_cli_user
from app.pluginhost import enabled_plugins


@click.group("db", cls=AppGroup)
def db_group() -> None:
    """Schema migrations (core and each plugin keep their own history)."""


@db_group.command("upgrade")
@as_cli_user
def db_upgrade() -> None:
    """Bring the core and every enabled plugin to their newest schema."""
    from app.pluginhost.migrations import upgrade_all

    for name, action in upgrade_all():
        click.echo(f"plugin {name}: {action}")
    click.echo("database is up to date")


@db_group.command("current")
@as_cli_user
def db_current() -> None:
    """Show the schema revision of the core and of each enabled plugin."""
    from app.pluginhost.migrations import current_revisions, head_revisions

    click.echo(f"core: {','.join(current_revisions()) or '-'} (head {','.join(head_revisions())})")
    for info in enabled_plugins():
        click.echo(f"{info.name}: {','.join(current_revisions(info)) or '-'}")


@db_group.command("revision")
@click.option("-m", "--message", required=True)
@click.option("--plugin", default=None, help="Write into this plugin's history.")
@click.option("--empty", is_flag=True, help="Do not compare models with the database.")
@as_cli_user
def db_revision(message: str, plugin: str | None, empty: bool) -> None:
    """Write a new migration (developers)."""
    from app.pluginhost.migrations import make_revision, plugin_info

    make_revision(message, plugin_info(plugin) if plugin else None, autogenerate=not empty)
