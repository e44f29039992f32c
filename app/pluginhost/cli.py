"""The commands the rooms and plugins declare, on the app's own CLI (``app.cli``), so that
``postline`` and ``flask --app wsgi`` both have them. Their names were checked at start-up
(:func:`app.pluginhost.loader.check_declarations`)."""
from __future__ import annotations

from flask import Flask

from app.pluginhost.calls import collect
from app.pluginhost.naming import command_name


def attach_commands(app: Flask) -> None:
    with app.app_context():
        for item in collect("postline_cli_commands"):
            app.cli.add_command(item.command, command_name(item))
