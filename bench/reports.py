"""Statistics benchmark (figures, not a test): a synthetic queue_log of N calls over a year
is ingested (queue_log rows per second, the roll-ups kept on the way), then the
``call-summary`` report is built for a month and for the year, on SQLite or PostgreSQL.

    .venv/bin/python bench/reports.py --calls 1000000 --database-url sqlite:////tmp/bench.sqlite
    .venv/bin/python bench/reports.py --calls 1000000   # PostgreSQL at POSTLINE_TEST_DATABASE_URL

The calls are spread over 2026 with a day's shape (more at 10:00 and 15:00), four queues,
30 agents; 78 % answered, 15 % abandoned, the rest timed out or left by key. Figures go
into docs/performance.md by hand."""
from __future__ import annotations

import argparse
import os
import random
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


def synthetic_lines(calls: int, seed: int = 20261202) -> Iterator[str]:
    """queue_log lines of ``calls`` calls in time order, as Asterisk writes them."""
    rng = random.Random(seed)
    step = 365 * 86400 / calls
    for n in range(calls):
        at = int(YEAR_START + n * step)
        hour = (at - YEAR_START) // 3600 % 24
        if hour < 8 or hour > 20:      # a night call: move it into the day, same order of magnitude
            at += 10 * 3600
        callid, queue = f"{at}.{n}", QUEUES[n % len(QUEUES)]
        agent = f"Agent {8001 + rng.randrange(30)}"
        yield f"{at}|{callid}|{queue}|NONE|ENTERQUEUE||1380013{n % 10000:04d}|1"
        fate, wait = rng.random(), rng.randrange(1, 90)
        if fate < 0.78:
            talk = rng.randrange(30, 400)
            if rng.random() < 0.1:
                yield f"{at + 2}|{callid}|{queue}|Agent {8001 + rng.randrange(30)}|RINGNOANSWER|15000"
            yield f"{at + wait}|{callid}|{queue}|{agent}|CONNECT|{wait}|{callid}.1|{min(wait, 8)}"
            yield f"{at + wait + talk}|{callid}|{queue}|{agent}|COMPLETECALLER|{wait}|{talk}|1"
        elif fate < 0.93:
            yield f"{at + wait}|{callid}|{queue}|NONE|ABANDON|1|1|{wait}"
        elif fate < 0.97:
            yield f"{at + 300}|{callid}|{queue}|NONE|EXITWITHTIMEOUT|1|1|300"
        else:
            yield f"{at + wait}|{callid}|{queue}|NONE|EXITWITHKEY|5|1|1|{wait}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("POSTLINE_TEST_DATABASE_URL", PG_DEFAULT))
    parser.add_argument("--schema", default="postline_bench_reports")
    parser.add_argument("--calls", type=int, default=1_000_000)
    args = parser.parse_args()
    if args.database_url.startswith("postgresql"):
        with bench_schema(args.database_url, args.schema) as url:
            run(url, args)
    else:
        if args.database_url.startswith("sqlite:///"):
            Path(args.database_url.removeprefix("sqlite:///")).unlink(missing_ok=True)
        run(args.database_url, args)


def run(url: str, args: argparse.Namespace) -> None:
    from app import create_app
    from app.cti.queue_log import store_lines
    from app.pluginhost.migrations import upgrade_all
    from app.reports import call_summary
    from app.reports.excel import to_bytes

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench-" + os.urandom(8).hex(), "TESTING": True,
                      "PLUGINS": "", "SERVER_NAME": "postline.bench"})
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


if __name__ == "__main__":
    main()
