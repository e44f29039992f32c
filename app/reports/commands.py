"""``postline reports``: the same reports as the web page, built from the command line (a
manager's script, a cron job, the benchmark)."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click
from flask.cli import with_appcontext

from app.pluginhost import collect
from app.reports.excel import to_bytes
from app.reports.runs import requeue_stale, run_queued
from app.stats.metrics import PERIODS

DAY = click.DateTime(formats=["%Y-%m-%d"])


@click.group("reports")
def reports_group() -> None:
    """Build the Excel reports."""


@reports_group.command("list")
@with_appcontext
def list_command() -> None:
    """The reports there are, by name."""
    for report in collect("postline_reports"):
        click.echo(f"{report.name}\t{report.title}")


@reports_group.command("build")
@click.argument("name")
@click.option("--from", "start", type=DAY, required=True, help="First day, YYYY-MM-DD (the centre's day).")
@click.option("--to", "end", type=DAY, required=True, help="Last day, included.")
@click.option("--period", type=click.Choice([p for p in PERIODS if p != "all"]), default="day")
@click.option("--queue", default="", help="One queue; all when left out.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@with_appcontext
def build_command(name: str, start: datetime, end: datetime, period: str, queue: str, output: Path) -> None:
    """Build report NAME for the days --from to --to into the .xlsx file -o."""
    reports = {report.name: report for report in collect("postline_reports")}
    if name not in reports:
        raise click.UsageError(f"no report named {name!r}; `postline reports list` shows them")
    if end < start:
        raise click.UsageError("--to must not be before --from")
    params = {"start": start.date(), "end": end.date(), "period": period, "queue": queue}
    try:
        output.write_bytes(to_bytes(reports[name].build(params)))
    except OSError as exc:
        raise click.UsageError(f"cannot write {output}: {exc.strerror}") from None
    click.echo(f"{output}: {reports[name].title}, {params['start']} to {params['end']}")


@reports_group.command("run-queued")
@with_appcontext
def run_queued_command() -> None:
    """Build the reports queued for the inbox now (a site run without the worker)."""
    requeue_stale()
    built = run_queued(limit=10_000)
    click.echo(f"{built} report(s) built")
