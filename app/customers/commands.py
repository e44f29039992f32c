"""``postline customers import FILE`` and ``postline customers export FILE``: the Excel
import and export of the pages, for a migration from another system or a nightly copy.
The import is all or nothing as on the page: with a bad row the command writes nothing and
fails (exit 2) with one line naming every bad row and why."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from app.audit.acting import as_cli_user
from app.customers import records, spreadsheet
from app.extensions import db


@click.group("customers", cls=AppGroup)
def customers_group() -> None:
    """Customer records."""


@customers_group.command("import")
@click.argument("path", metavar="FILE", type=click.Path(dir_okay=False, path_type=Path))
@as_cli_user
def customers_import(path: Path) -> None:
    """Import the customers of the Excel workbook FILE (nothing if a row is bad)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ValueError(f"cannot read {path}: {exc.strerror}") from exc
    result = spreadsheet.read(data)
    if result.errors:
        raise ValueError(f"nothing imported from {path}: " + "; ".join(result.errors))
    db.session.add_all(result.customers)
    db.session.commit()
    click.echo(f"imported {len(result.customers)} customers")


@customers_group.command("export")
@click.argument("path", metavar="FILE", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--query", default="", help="Only the customers this search finds.")
@click.option("--by", "field", default="all", type=click.Choice(records.FIELDS))
@as_cli_user
def customers_export(path: Path, query: str, field: str) -> None:
    """Write the customers (all, or those a search finds) to the Excel workbook FILE."""
    customers = db.session.scalars(records.search(query, field)).all()
    try:
        path.write_bytes(spreadsheet.export(customers))
    except OSError as exc:
        raise ValueError(f"cannot write {path}: {exc.strerror}") from exc
    click.echo(f"exported {len(customers)} customers to {path}")
