"""Statistics benchmark (figures, not a test): a synthetic queue_log of N calls over a year
is ingested (queue_log rows per second, the roll-ups kept on the way), then the
``call-summary`` report is built for a month and for the year, and the year's
``agent-calls`` detail export (one row per answered call) is written, against openpyxl's
own write-only mode writing the same rows from the same query with nothing else done,
each in a process of its own so that its peak memory is its own; on SQLite or PostgreSQL.

    .venv/bin/python bench/reports.py --calls 1300000 --database-url sqlite:////tmp/bench.sqlite
    .venv/bin/python bench/reports.py --calls 1300000   # PostgreSQL at POSTLINE_TEST_DATABASE_URL

(1.3M calls make the 1M answered calls of a 1M-row detail export.)

The calls are spread over 2026 with a day's shape (more at 10:00 and 15:00), four queues,
30 agents; 78 % answered, 15 % abandoned, the rest timed out or left by key. Figures go
into docs/performance.md by hand."""
from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from pg_schema import bench_schema  # noqa: E402

PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
YEAR_START = 1767196800  # 2026-01-01 00:00 in Shanghai, as Unix time
QUEUES = ("postline-11185", "postline-ems", "postline-complaint", "postline-12329")


def synthetic_lines(calls: int) -> Iterator[str]:
    """The year's lines: four queues, 30 agents (the demo's generator, :mod:`app.stats.demo`)."""
    from app.stats.demo import synthetic_lines as lines

    return lines(calls, YEAR_START, 365, QUEUES, [f"Agent {8001 + n}" for n in range(30)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("POSTLINE_TEST_DATABASE_URL", PG_DEFAULT))
    parser.add_argument("--schema", default="postline_bench_reports")
    parser.add_argument("--calls", type=int, default=1_000_000)
    parser.add_argument("--export", choices=("postline", "openpyxl"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.export:
        export(args.database_url, args.export)
    elif args.database_url.startswith("postgresql"):
        with bench_schema(args.database_url, args.schema) as url:
            run(url, args)
            exports(url)
    else:
        if args.database_url.startswith("sqlite:///"):
            Path(args.database_url.removeprefix("sqlite:///")).unlink(missing_ok=True)
        run(args.database_url, args)
        exports(args.database_url)


def run(url: str, args: argparse.Namespace) -> None:
    from app.cti.queue_log import store_lines
    from app.pluginhost.migrations import upgrade_all
    from app.reports import call_summary
    from app.reports.excel import to_bytes

    app = bench_app(url)
    with app.app_context():
        upgrade_all()
        print(f"database: {url.split('?')[0]}; {args.calls} calls")
        started = time.perf_counter()
        result = store_lines(synthetic_lines(args.calls), "bench")
        seconds = time.perf_counter() - started
        print(f"ingest: {result.added} queue_log rows in {seconds:.1f} s = {result.added / seconds:,.0f} rows/s "
              f"(roll-ups included)")
        for label, first, last in (("month", date(2026, 6, 1), date(2026, 6, 30)),
                                   ("year", date(2026, 1, 1), date(2026, 12, 31))):
            for period in ("day", "month"):
                started = time.perf_counter()
                body = to_bytes(call_summary.build({"start": first, "end": last, "period": period}))
                print(f"call-summary for a {label} by {period}: {time.perf_counter() - started:.2f} s "
                      f"({len(body) // 1024} KiB)")


def bench_app(url: str):  # noqa: ANN201 - the app factory is imported late, as in run()
    from app import create_app

    return create_app({"DATABASE_URL": url, "SECRET_KEY": "bench-" + os.urandom(8).hex(), "TESTING": True,
                       "PLUGINS": "", "SERVER_NAME": "postline.bench"})


def exports(url: str) -> None:
    """The detail export and its openpyxl-alone baseline, each in a fresh process."""
    figures = {}
    for how in ("openpyxl", "postline"):
        done = subprocess.run([sys.executable, __file__, "--database-url", url, "--export", how],
                              check=True, capture_output=True, text=True)
        figures[how] = [float(value) for value in done.stdout.split()]
    for how, (rows, seconds, peak_mb, size_kb) in figures.items():
        print(f"agent-calls export for the year ({how}{' alone' if how == 'openpyxl' else ''}): {rows:,.0f} rows "
              f"in {seconds:.1f} s = {rows / seconds:,.0f} rows/s, peak memory {peak_mb:.0f} MB, "
              f"{size_kb / 1024:.0f} MiB")
    print(f"export time, PostLine / openpyxl alone: {figures['postline'][1] / figures['openpyxl'][1]:.2f}×")


def export(url: str, how: str) -> None:
    """One export (child process): rows, seconds, peak RSS in MB and file size in KiB on stdout."""
    import tempfile

    from openpyxl import Workbook
    from sqlalchemy import select

    from app.extensions import db
    from app.reports import agents
    from app.stats.models import QueueCall

    app = bench_app(url)
    with app.app_context(), tempfile.NamedTemporaryFile(suffix=".xlsx") as target:
        params = {"start": date(2026, 1, 1), "end": date(2026, 12, 31), "period": "day", "queue": ""}
        started = time.perf_counter()
        if how == "postline":
            agents.build_call_detail(params).save(target.name)
        else:
            table = QueueCall.__table__
            stmt = (select(table.c.entered_at, table.c.queue, table.c.agent, table.c.caller, table.c.hold_s,
                           table.c.ring_s, table.c.talk_s, table.c.acw_s, table.c.ended_by, table.c.callid)
                    .where(table.c.counted.is_(True), table.c.outcome == "answered").order_by(table.c.entered_at))
            wb = Workbook(write_only=True)
            ws = wb.create_sheet("calls")
            for row in db.session.connection().execution_options(stream_results=True, yield_per=5000).execute(stmt):
                ws.append(tuple(row))
            wb.save(target.name)
        seconds = time.perf_counter() - started
        rows = db.session.scalar(select(db.func.count()).select_from(QueueCall.__table__)
                                 .where(QueueCall.outcome == "answered", QueueCall.counted.is_(True)))
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(rows, seconds, peak_mb, os.path.getsize(target.name) / 1024)


if __name__ == "__main__":
    main()
