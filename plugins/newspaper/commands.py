"""``postline newspaper-import PATH``: the catalog import of the back-office page from the
command line (the yearly catalog arrives as a file on the server): the same checks, the same
row-by-row report, one line per refused row; exit status 1 when a row was refused."""
from __future__ import annotations

import click

from .importer import import_catalog


@click.command("newspaper-import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def import_command(path: str) -> None:
    """Import the newspaper catalog from an Excel workbook (.xlsx)."""
    with open(path, "rb") as stream:
        result = import_catalog(stream)
    click.echo(f"added {result.added}, updated {result.updated}, unchanged {result.unchanged}, "
               f"refused {len(result.errors)}")
    for number, text in result.errors:
        click.echo(f"row {number}: {text}")
    if result.errors:
        raise SystemExit(1)
