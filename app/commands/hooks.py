"""The commands room's declarations: the site's own commands (schema, plugins, demo data,
all roles at once); each other room declares its commands itself."""
from __future__ import annotations

from app.commands.database import db_group
from app.commands.demo import demo_group
from app.commands.plugins import plugins_group
from app.commands.serve import serve_command
from app.declarations import CliCommand
from app.hookspecs import hookimpl


@hookimpl
def postline_cli_commands() -> list[CliCommand]:
    return [
        CliCommand("db", db_group, weight=10),
        CliCommand("demo", demo_group, weight=20),
        CliCommand("plugins", plugins_group, weight=40),
        CliCommand("serve", serve_command, weight=70),
    ]
