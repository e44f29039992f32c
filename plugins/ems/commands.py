"""``postline ems-import PATH``: the events import from the command line, for a feed the
postal network drops on the server every night (the same rules as the import page)."""
from __future__ import annotations

from pathlib import Path

import click
from flask_babel import gettext as _

from app import api

from .importing import BadFile, import_events, read_rows


@click.command("ems-import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(path: Path) -> None:
    """Import EMS tracking events from a CSV or Excel (.xlsx) file."""
    try:
        report = import_events(read_rows(path.name, path.read_bytes()))
    except BadFile as exc:
        api.db.session.rollback()
        raise click.UsageError(str(exc)) from None
    api.audit("import", "ems_event", detail={"file": path.name, "added": report.added,
                                              "skipped": report.skipped, "errors": len(report.errors)})
    api.db.session.commit()
    for row, problem in report.errors:
        click.echo(f"{path.name}:{row}: {problem}", err=True)
    click.echo(_("%(added)s events added (%(items)s new items), %(skipped)s already known, %(errors)s rows refused.",
                 added=report.added, items=report.items_added, skipped=report.skipped, errors=len(report.errors)))
    if report.errors:
        raise SystemExit(1)
