"""``postline cti import-queue-log FILE``: load an Asterisk queue_log file (a past month, a
file copied from the PBX) into the statistics. Lines already stored are skipped, so an
import can be repeated or overlap the live follower safely."""
from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from typing import IO

import click
from flask.cli import AppGroup

from app.cti.queue_log import StoreResult, store_lines


@click.group("cti", cls=AppGroup)
def cti_group() -> None:
    """The link to Asterisk: queue_log imports."""


@cti_group.command("import-queue-log")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--source", default="", help="Name kept with the rows (default: the file's name).")
def import_queue_log(file: str, source: str) -> None:
    """Read FILE (queue_log format) and store the lines not stored yet."""
    try:
        handle = open(file, "rb")
        size = os.fstat(handle.fileno()).st_size
    except OSError as exc:
        click.echo(f"Error: cannot read {file}: {exc.strerror or exc}", err=True)
        sys.exit(2)
    with handle:
        if sys.stderr.isatty():
            with click.progressbar(length=size, label="Reading", file=sys.stderr) as bar:
                result = store_lines(_lines(handle, bar.update), source or os.path.basename(file))
        else:
            result = store_lines(_lines(handle, None), source or os.path.basename(file))
    _report(result)


def _lines(handle: IO[bytes], advance) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """The file's lines; the bar moves per megabyte read (drawing it per line would take
    longer than storing the line)."""
    pending = 0
    for raw in handle:
        if advance is not None:
            pending += len(raw)
            if pending >= 1 << 20:
                advance(pending)
                pending = 0
        yield raw.decode("utf-8", errors="replace")
    if advance is not None and pending:
        advance(pending)


def _report(result: StoreResult) -> None:
    click.echo(f"{result.read} lines read, {result.added} added, {result.duplicates} already stored, "
               f"{result.bad} bad")
    for number, text, why in result.bad_examples:
        click.echo(f"line {number}: {why}: {text}")
