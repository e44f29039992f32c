"""``postline cti import-queue-log``: what the administrator reads after an import, and
that a repeated import adds nothing."""
from __future__ import annotations

from sqlalchemy import func, select

from app.cti.models import QueueLogEntry
from app.extensions import db

T0 = 1796090400
LINES = [
    f"{T0}|c1|q-post|NONE|ENTERQUEUE||13800138001|1",
    f"{T0 + 5}|c1|q-post|Agent 8001|CONNECT|5|c1.2|3",
    "this is not a queue_log line",
    f"{T0 + 65}|c1|q-post|Agent 8001|COMPLETECALLER|5|60|1",
]


def run(app, *args):
    return app.test_cli_runner().invoke(args=["cti", "import-queue-log", *args])


def stored() -> int:
    return db.session.scalar(select(func.count()).select_from(QueueLogEntry))


def test_import_reports_counts_and_bad_lines_with_numbers(app, tmp_path):
    path = tmp_path / "queue_log"
    path.write_text("\n".join(LINES) + "\n")
    result = run(app, str(path))
    assert result.exit_code == 0, result.output
    assert "4 lines read, 3 added, 0 already stored, 1 bad" in result.output
    assert "line 3:" in result.output and "this is not a queue_log line" in result.output
    assert stored() == 3


def test_repeated_import_counts_duplicates(app, tmp_path):
    path = tmp_path / "queue_log"
    path.write_text("\n".join(LINES[:2]) + "\n")
    run(app, str(path))
    result = run(app, str(path), "--source", "pbx-1")
    assert result.exit_code == 0
    assert "2 lines read, 0 added, 2 already stored, 0 bad" in result.output
    assert stored() == 2


def test_missing_file_is_one_line_and_exit_2(app, tmp_path):
    result = run(app, str(tmp_path / "nope"))
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1
    assert "cannot read" in result.output


# --- the live follower ---------------------------------------------------------------

def test_follower_reads_appended_lines_and_waits_for_a_partial_line(app, tmp_path):
    from app.cti.queue_log_follow import follow
    path = tmp_path / "queue_log"
    path.write_text(LINES[0] + "\n" + LINES[1][:10])
    assert follow(str(path)).added == 1
    with path.open("a") as handle:
        handle.write(LINES[1][10:] + "\n")
    assert follow(str(path)).added == 1
    assert follow(str(path)).read == 0
    assert stored() == 2


def test_follower_finishes_the_rotated_file_then_reads_the_new_one(app, tmp_path):
    from app.cti.queue_log_follow import follow
    path = tmp_path / "queue_log"
    path.write_text(LINES[0] + "\n")
    follow(str(path))
    with path.open("a") as handle:  # written after our last read, before rotation
        handle.write(LINES[1] + "\n")
    path.rename(tmp_path / "queue_log.1")
    path.write_text(LINES[3] + "\n")
    result = follow(str(path))
    assert result.added == 2
    assert stored() == 3


def test_follower_reads_a_truncated_file_from_the_start(app, tmp_path):
    from app.cti.queue_log_follow import follow
    path = tmp_path / "queue_log"
    path.write_text(LINES[0] + "\n" + LINES[1] + "\n")
    follow(str(path))
    with path.open("w") as handle:  # same inode, shorter
        handle.write(LINES[3] + "\n")
    assert follow(str(path)).added == 1
    assert stored() == 3


# --- the realtime table ---------------------------------------------------------------

def test_realtime_table_is_read_from_the_watermark(app, tmp_path):
    import sqlalchemy as sa

    from app.cti.queue_log_table import read_table
    url = f"sqlite:///{tmp_path / 'asterisk.sqlite'}"
    engine = sa.create_engine(url)
    meta = sa.MetaData()
    table = sa.Table("queue_log", meta, sa.Column("id", sa.Integer, primary_key=True),
                     sa.Column("time", sa.String(32)),
                     *(sa.Column(c, sa.String(64)) for c in
                       ("callid", "queuename", "agent", "event", "data1", "data2", "data3", "data4", "data5")))
    meta.create_all(engine)

    def add(time, callid, event, agent="NONE"):
        with engine.begin() as conn:
            conn.execute(table.insert().values(time=time, callid=callid, queuename="q-post", agent=agent,
                                               event=event, data1="", data2="", data3="", data4="", data5=""))
    add("2026-12-01 02:00:00", "c1", "ENTERQUEUE")
    add("2026-12-01 02:00:05.250000", "c1", "CONNECT", "Agent 8001")
    assert read_table(url).added == 2
    add("2026-12-01 02:00:05", "c2", "ENTERQUEUE")  # same second as the watermark, late
    add("2026-12-01 02:01:00", "c1", "COMPLETECALLER", "Agent 8001")
    result = read_table(url)
    assert result.added == 2 and result.read == 3  # the last second read again, deduped
    assert stored() == 4
    engine.dispose()


def test_realtime_table_with_epoch_times(app, tmp_path):
    import sqlalchemy as sa

    from app.cti.queue_log_table import read_table
    url = f"sqlite:///{tmp_path / 'asterisk.sqlite'}"
    engine = sa.create_engine(url)
    meta = sa.MetaData()
    table = sa.Table("ql", meta, sa.Column("time", sa.Integer),
                     *(sa.Column(c, sa.String(64)) for c in
                       ("callid", "queuename", "agent", "event", "data1", "data2", "data3", "data4", "data5")))
    meta.create_all(engine)
    with engine.begin() as conn:
        conn.execute(table.insert(), [{"time": T0 + i, "callid": f"c{i}", "queuename": "q-post", "agent": "NONE",
                                       "event": "ENTERQUEUE"} for i in range(3)])
    assert read_table(url, "ql").added == 3
    assert read_table(url, "ql").read == 1  # only the last second again
    assert stored() == 3
    engine.dispose()
