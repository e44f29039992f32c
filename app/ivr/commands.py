"""The IVR's commands: ``postline agi`` (the FastAGI server) and ``postline prompts
build|check`` (the sound files of the prompt catalog, :mod:`app.ivr.prompts`).

For ``prompts``, a missing espeak-ng or sox, an invalid catalog or a failing tool is one
line and exit 1; an unknown ``--only`` name is a usage error (exit 2); ``check`` exits 1
when a prompt has no file or Asterisk will not find the files
(:mod:`app.ivr.prompts.location`), so a deployment script can stop there."""
from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from app.audit.acting import acting_as, as_cli_user
from app.calls.lost import close_lost_calls
from app.ivr import prompts
from app.ivr.agi.channel import AGIChannel
from app.ivr.agi.server import AGISettings, Handler, serve_until_stopped
from app.ivr.calllog import configure_logging
from app.ivr.engine import run_call
from app.ivr.nodes.registry import node_types
from app.pluginhost import PluginError

#: ``prompts build`` names the prompts it made when there are no more than this.
LIST_BUILT = 20

SOUNDS_OPTION = click.option(
    "--sounds", "sounds", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="Sounds folder (default: the SOUNDS_DIR setting, else <instance>/sounds).")


@click.group("prompts", cls=AppGroup)
def prompts_group() -> None:
    """Voice prompts: the Mandarin sound files the IVR plays."""


@prompts_group.command("build")
@click.option("--force", is_flag=True, help="Make the files again even where the text is unchanged.")
@click.option("--only", "names", multiple=True, metavar="NAME",
              help="Build only this prompt (repeat for several).")
@SOUNDS_OPTION
@as_cli_user
def prompts_build(force: bool, names: Sequence[str], sounds: Path | None) -> None:
    """Speak every prompt with espeak-ng (Mandarin) into 8 kHz WAV files (needs sox too)."""
    bar = ProgressBar()
    try:
        result = prompts.build(sounds, names or None, force, progress=bar)
    except (prompts.PromptError, PluginError) as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        bar.close()
    if len(result.built) <= LIST_BUILT:
        for name in result.built:
            click.echo(f"built {name}")
    click.echo(f"prompts: {len(result.built)} built, {len(result.unchanged)} unchanged "
               f"in {result.folder}")


class ProgressBar:
    """click's progress bar on stderr, opened once the number of prompts to make is known,
    when there are more than :data:`LIST_BUILT` (fewer are listed by name instead)."""

    def __init__(self) -> None:
        self.bar: Any = None

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None and total > LIST_BUILT:
            self.bar = click.progressbar(length=total, label="building prompts", file=sys.stderr,
                                         show_pos=True)
            self.bar.__enter__()
        if self.bar is not None and done:
            self.bar.update(done - self.bar.pos)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


@prompts_group.command("check")
@SOUNDS_OPTION
@as_cli_user
def prompts_check(sounds: Path | None) -> None:
    """List the prompts that have no sound file (exit 1 if any)."""
    folder = sounds or prompts.sounds_dir()
    try:
        every = prompts.catalog()
    except PluginError as exc:
        raise click.ClickException(str(exc)) from exc
    missing = prompts.check(folder, every)
    for name in missing:
        click.echo(name)
    reach = prompts.reach(folder)
    verdict = {True: "Asterisk will find them", False: "Asterisk will NOT find them",
               None: "Asterisk may find them"}[reach.ok]
    click.echo(f"{verdict}: {reach.text}", err=True)
    if missing:
        click.echo(f"{len(missing)} of {len(every)} prompts have no sound file in {folder} "
                   f"(`postline prompts build` makes them)", err=True)
    if missing or reach.ok is False:
        raise click.exceptions.Exit(1)
    click.echo(f"all {len(every)} prompts have a sound file in {folder}")


@click.command("agi")
@with_appcontext
@click.option("--host", default=None)
@click.option("--port", type=int, default=None)
def agi_command(host: str | None, port: int | None) -> None:
    """Serve FastAGI for Asterisk."""
    run_agi(current_app._get_current_object(), host, port)


def build_handler(app: Flask) -> Handler:
    """The engine, for every call the server accepts, with prompt names as Asterisk must
    be given them (``SOUNDS_PREFIX``)."""
    prefix: list[str] = []  # read at the first call: the settings are final by then

    def handle(channel: AGIChannel) -> None:
        if not prefix:
            prefix.append(prompts.sounds_prefix(app))
        channel.sounds_prefix = prefix[0]
        run_call(app, channel)

    return handle


def start_up(app: Flask) -> None:
    """Before the port opens: close the call records a previous process left open
    (:mod:`app.calls.lost`), and build what every call shares (the node types and the
    prompt catalog, which reads the plugins' data: the postcode index with its place
    names), so that a burst of calls right after a start finds it ready."""
    with app.app_context(), acting_as("agi"):
        close_lost_calls()
        node_types(app)
        prompts.catalog(app)


def run_agi(app: Flask, host: str | None, port: int | None) -> None:
    """``postline agi``: the site's FastAGI server, configured by ``AGI_*``. A port that
    cannot be had is one line and exit 1."""
    configure_logging(str(app.config.get("AGI_LOG_LEVEL", "INFO")))
    address = (host or app.config["AGI_HOST"], port or app.config["AGI_PORT"])
    start_up(app)
    try:
        serve_until_stopped(address, build_handler(app), AGISettings.from_config(app.config))
    except OSError as exc:  # port taken, or not ours to bind: one line, exit 1
        raise click.ClickException(f"FastAGI cannot listen on {address[0]}:{address[1]}: "
                                   f"{exc.strerror or exc}") from exc
