"""The worker room's declarations: its command."""
from __future__ import annotations

from app.declarations import CliCommand
from app.hookspecs import hookimpl
from app.worker.commands import worker_command


@hookimpl
def postline_cli_commands() -> list[CliCommand]:
    return [CliCommand("worker", worker_command, weight=62)]
