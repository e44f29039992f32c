"""The calendars room has no pages of its own (a calendar is edited on the page of what uses
it: a hotline's hours on its line's page); it declares its ``postline calendars`` command,
and importing it puts its tables into the models."""
from __future__ import annotations

from app.calendars import models  # noqa: F401
from app.calendars.commands import calendars_group
from app.declarations import CliCommand
from app.hookspecs import hookimpl


@hookimpl
def postline_cli_commands() -> list[CliCommand]:
    return [CliCommand("calendars", calendars_group, weight=35)]
