"""The ``postline`` command: a Flask CLI group, so ``flask --app wsgi ...`` works too.

Usage errors print one line and exit with 2, the shell convention, so scripts can tell a
mistake in the call from a failure of the work."""
from __future__ import annotations

import getpass
import os
import re
import secrets
import sys
from collections.abc import Callable, Sequence
from functools import wraps
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import AppGroup, FlaskGroup, with_appcontext
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from app import ConfigurationError, create_app, default_instance_path
from app.audit.listener import acting_as
from app.auth.roles import ROLES
from app.plugin_loader import PluginError

# `postline` itself holds only what must run without an app (init); every other command is
# registered on the app's own CLI by register_commands, so that `flask --app wsgi ...` has
# the same commands, and plugin commands sit beside them. Commands of an AppGroup run
# inside an app context.
cli = FlaskGroup(create_app=create_app, help="PostLine customer-service centre.",
                 add_version_option=False, load_dotenv=False)


def as_cli_user(func: Callable[..., Any]) -> Callable[..., Any]:
    """Changes attributed to ``cli:<login>`` in the audit log;
    a domain refusal (LookupError/ValueError) is a usage error: one line, exit 2."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with acting_as(f"cli:{getpass.getuser()}"):
            try:
                return func(*args, **kwargs)
            except (LookupError, ValueError) as exc:
                raise click.UsageError(str(exc).strip("'\"")) from exc

    return wrapper


# --- set-up -----------------------------------------------------------------------------

@cli.command("init", with_appcontext=False)
@click.option("--instance", "instance_path", type=click.Path(file_okay=False), default=None,
              help="Instance folder (default: the one the app reads, see POSTLINE_INSTANCE_PATH).")
def init_command(instance_path: str | None) -> None:
    """Write instance/config.py with a random secret key, unless it exists."""
    # The folder create_app reads, not the current directory's: otherwise an installed
    # PostLine would write a key that it never reads.
    folder = Path(instance_path or default_instance_path())
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "config.py"
    content = ("# Written by `postline init`; see instance/config.example.py for every setting.\n"
               f"SECRET_KEY = {secrets.token_hex(32)!r}\n")
    try:
        # Created with mode 0600 from the start (never readable by others, not even for a
        # moment) and only if absent (O_EXCL), so an existing key is never replaced.
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        click.echo(f"{target} exists; left as it is")
        return
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(content)
    os.chmod(target, 0o600)  # os.open's mode is filtered through the umask
    click.echo(f"wrote {target}")


# --- database ---------------------------------------------------------------------------

@click.group("db", cls=AppGroup)
def db_group() -> None:
    """Schema migrations (core and each plugin keep their own history)."""


@db_group.command("upgrade")
@as_cli_user
def db_upgrade() -> None:
    """Bring the core and every enabled plugin to their newest schema."""
    from app.migrate import upgrade_all

    for name, action in upgrade_all():
        click.echo(f"plugin {name}: {action}")
    click.echo("database is up to date")


@db_group.command("current")
@as_cli_user
def db_current() -> None:
    """Show the schema revision of the core and of each enabled plugin."""
    from app.migrate import current_revisions, head_revisions
    from app.plugin_loader import enabled_plugins

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
    from app.migrate import make_revision, plugin_info

    make_revision(message, plugin_info(plugin) if plugin else None, autogenerate=not empty)


# --- demo data --------------------------------------------------------------------------

@click.group("demo", cls=AppGroup)
def demo_group() -> None:
    """Demonstration data."""


@demo_group.command("load")
@as_cli_user
def demo_load() -> None:
    """Load one user of every role, departments and customers (safe to run twice)."""
    from app.demo import DEMO_PASSWORD, load

    counts = load()
    click.echo("demo data: " + ", ".join(f"{k} +{v}" for k, v in counts.items()))
    click.echo(f"demo logins (password {DEMO_PASSWORD!r}): " + ", ".join(ROLES))


# --- users ------------------------------------------------------------------------------

USERNAME = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


@click.group("users", cls=AppGroup)
def users_group() -> None:
    """Staff accounts."""


@users_group.command("create")
@click.argument("name")
@click.option("--role", "roles", multiple=True, required=True,
              type=click.Choice(list(ROLES)), help="Repeat for several roles.")
@click.option("--password-stdin", is_flag=True, required=True,
              help="Read the password from the first line of standard input.")
@click.option("--display-name", default="")
@as_cli_user
def users_create(name: str, roles: Sequence[str], password_stdin: bool, display_name: str) -> None:
    """Create user NAME with the given role(s)."""
    from app.auth.models import User
    from app.extensions import db

    if not USERNAME.match(name):
        raise ValueError(f"invalid user name {name!r}: letters, digits, '.', '_' and '-' only")
    password = sys.stdin.readline().rstrip("\r\n")
    if len(password) < 8:
        raise ValueError("the password read from standard input must have at least 8 characters")
    if db.session.scalar(select(User).where(User.username == name)) is not None:
        raise ValueError(f"user {name!r} exists already")
    user = User(username=name, display_name=display_name)
    user.set_password(password)
    user.set_roles(set(roles))
    db.session.add(user)
    db.session.commit()
    click.echo(f"created user {name} ({', '.join(sorted(roles))})")


@users_group.command("list")
@as_cli_user
def users_list() -> None:
    """List staff accounts."""
    from app.auth.models import User
    from app.extensions import db

    for user in db.session.scalars(select(User).order_by(User.username)):
        state = "active" if user.active else "disabled"
        click.echo(f"{user.username}\t{','.join(sorted(user.roles))}\t{state}\t{user.display_name}")


# --- plugins ----------------------------------------------------------------------------

@click.group("plugins", cls=AppGroup)
def plugins_group() -> None:
    """Business-line plugins."""


@plugins_group.command("list")
@as_cli_user
def plugins_list() -> None:
    """Name, version, enabled, installed, hooks and error of every plugin found."""
    from app.extensions import db
    from app.plugin_loader import registry
    from app.plugin_state import PluginInstall

    try:
        installed = {row.name: row.version for row in db.session.scalars(select(PluginInstall))}
    except Exception:  # a database without schema yet: nothing is installed
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
    from app.migrate import install_plugin

    click.echo(f"plugin {name}: {install_plugin(name)}")


@plugins_group.command("upgrade")
@click.argument("name")
@as_cli_user
def plugins_upgrade(name: str) -> None:
    """Bring plugin NAME's tables to its newest schema."""
    from app.migrate import install_plugin

    click.echo(f"plugin {name}: {install_plugin(name)}")


@plugins_group.command("uninstall")
@click.argument("name")
@click.option("--yes", is_flag=True, help="Confirm that the plugin's tables and data go.")
@as_cli_user
def plugins_uninstall(name: str, yes: bool) -> None:
    """Drop plugin NAME's tables and settings (asks for --yes)."""
    from app.migrate import uninstall_plugin

    if not yes:
        raise ValueError(f"uninstalling {name} deletes its tables and data; add --yes to confirm")
    uninstall_plugin(name)
    click.echo(f"plugin {name}: uninstalled")


# --- processes --------------------------------------------------------------------------

@click.command("web")
@with_appcontext
@click.option("--host", default=None)
@click.option("--port", type=int, default=None)
@click.option("--workers", type=click.IntRange(1, 64), default=2)
@click.option("--dev", is_flag=True, help="Werkzeug with reloader and debugger (never in production).")
def web_command(host: str | None, port: int | None, workers: int, dev: bool) -> None:
    """Serve the web pages (gunicorn)."""
    from app.processes import run_web

    run_web(current_app._get_current_object(), host, port, workers, dev)


@click.command("agi")
@with_appcontext
@click.option("--host", default=None)
@click.option("--port", type=int, default=None)
def agi_command(host: str | None, port: int | None) -> None:
    """Serve FastAGI for Asterisk."""
    from app.ivr.server import run_agi

    run_agi(current_app._get_current_object(), host, port)


@click.command("worker")
@with_appcontext
def worker_command() -> None:
    """Run scheduled jobs (one worker per site holds the scheduler)."""
    from app.worker import run_worker

    run_worker(current_app._get_current_object())


@click.command("serve")
@with_appcontext
def serve_command() -> None:
    """Start web, agi and worker together; Ctrl-C stops all three."""
    from app.processes import serve

    sys.exit(serve(current_app._get_current_object()))


def register_commands(app: Flask) -> None:
    from app.ivr.prompts_cli import prompts_group  # imports as_cli_user from here

    for command in (db_group, demo_group, users_group, plugins_group, prompts_group,
                    web_command, agi_command, worker_command, serve_command):
        app.cli.add_command(command)


def main(argv: Sequence[str] | None = None) -> None:
    try:
        # Without standalone mode, click returns the code of a command's ``ctx.exit(n)``
        # (``postline prompts check`` exits 1 when a prompt has no file) instead of raising.
        code = cli.main(args=list(argv) if argv is not None else None, prog_name="postline",
                        standalone_mode=False)
        if isinstance(code, int) and not isinstance(code, bool) and code:
            sys.exit(code)
    except click.UsageError as exc:
        click.echo(f"postline: error: {exc.format_message()}", err=True)
        sys.exit(2)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.Abort:
        click.echo("postline: aborted", err=True)
        sys.exit(1)
    except click.ClickException as exc:
        click.echo(f"postline: error: {exc.format_message()}", err=True)
        sys.exit(exc.exit_code)
    except (ConfigurationError, PluginError) as exc:
        click.echo(f"postline: {exc}", err=True)
        sys.exit(1)
    except SQLAlchemyError as exc:  # unreachable server, no schema yet: one line, no traceback
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        hint = ""
        if "no such table" in reason or "does not exist" in reason:
            hint = " (run `postline db upgrade` first)"
        click.echo(f"postline: database error: {reason}{hint}", err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
