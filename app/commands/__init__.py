"""The ``postline`` command: a Flask CLI group, so ``flask --app wsgi ...`` works too.

The group itself holds only ``init`` (it must run without an app); every other command is a
declaration of the room it belongs to (``postline_cli_commands``), added to the app's own
CLI when the app is made, so that plugin commands sit beside them.

Usage errors print one line and exit with 2, the shell convention, so scripts can tell a
mistake in the call from a failure of the work."""
from __future__ import annotations

import sys
from collections.abc import Sequence

import click
from flask.cli import FlaskGroup
from sqlalchemy.exc import SQLAlchemyError

from app import ConfigurationError, create_app
from app.commands.setup import init_command
from app.pluginhost import PluginError

cli = FlaskGroup(create_app=create_app, help="PostLine customer-service centre.",
                 add_version_option=False, load_dotenv=False)
cli.add_command(init_command)


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
