"""``postline plugins list|install|upgrade|uninstall``. Alembic is imported when a plugin's
schema changes, not by every ``postline`` command."""
from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from app.audit.acting import as_cli_user
from app.extensions import db
from app.pluginhost import registry
from app.pluginhost.state import PluginInstall


@click.group("plugins", cls=AppGroup)
def plugins_group() -> None:
    """Business-line plugins."""


@plugins_group.command("list")
@as_cli_user
def plugins_list() -> None:
    """Name, version, enabled, installed, hooks and error of every plugin found."""
    try:
        installed = {row.name: row.version for row in db.session.scalars(select(PluginInstall))}
    except SQLAlchemyError:  # a database without schema yet: nothing is installed
        db.session.rollback()
        installed = {}
    click.echo("name\tversion\tenabled\tinstalled\thooks\terror")
    for info in sorted(registry().plugins.values(), key=lambda p: p.name):
        click.echo("\t".join([
            info.name, info.version, "yes" if info.enabled else "no",
            installed.get(info.name, "-"), ",".join(h.removeprefix("postline_") for h in info.hooks) or "-",
            info.error or "-",
        ]))


@plugins_group.command("install")
@click.argument("name")
@as_cli_user
def plugins_install(name: str) -> None:
    """Create the tables of enabled plugin NAME."""
    from app.pluginhost.migrations import install_plugin

    click.echo(f"plugin {name}: {install_plugin(name)}")


@plugins_group.command("upgrade")
@click.argument("name")
@as_cli_user
def plugins_upgrade(name: str) -> None:
    """Bring plugin NAME's tables to its newest schema."""
    from app.pluginhost.migrations import install_plugin

    click.echo(f"plugin {name}: {install_plugin(name)}")


@plugins_group.command("uninstall")
@click.argument("name")
@click.option("--yes", is_flag=True, help="Confirm that the plugin's tables and data go.")
@as_cli_user
def plugins_uninstall(name: str, yes: bool) -> None:
    """Drop plugin NAME's tables and settings (asks for --yes)."""
    if not yes:
        raise ValueError(f"uninstalling {name} deletes its tables and data; add --yes to confirm")
    from app.pluginhost.migrations import uninstall_plugin

    uninstall_plugin(name)
    click.echo(f"plugin {name}: uninstalled")
