"""The (time, key) migration keeps the queue_log lines there are: each keeps its line
under its shortened key, so importing the same lines again after the upgrade adds nothing."""
from __future__ import annotations

import pytest
from sqlalchemy import DateTime, bindparam, func, select, text

from app import create_app
from app.cti.models import QueueLogEntry
from app.cti.queue_log import parse_line, store_lines
from app.extensions import db
from app.pluginhost.migrations import upgrade_core
from app.testing.pytest_plugin import _backends, base_config

BEFORE = "39f05cf0feb5"
LINES = ["1796090400|c1|q-post|NONE|ENTERQUEUE||13800138001|1",
         "1796090405|c1|q-post|Agent 8001|CONNECT|5|c1.2|3"]


@pytest.mark.parametrize("backend", _backends())
def test_lines_stored_before_the_upgrade_are_still_known_after_it(backend, postline_databases):
    app = create_app(base_config(postline_databases.new(backend), []))
    with app.app_context():
        upgrade_core(BEFORE)
        with db.engine.begin() as connection:   # as the old code stored them: the 32-digit key
            for number, line in enumerate(LINES):
                row = parse_line(line)
                full_key = row.key + "0123456789abcdef"[number:] + "x" * number
                connection.execute(text(
                    "INSERT INTO cti_queue_log (key, at, callid, queue, agent, event, data1, data2, data3, data4, "
                    "data5, source) VALUES (:key, :at, :callid, :queue, :agent, :event, :d1, :d2, :d3, '', '', 'old')")
                    .bindparams(bindparam("at", type_=DateTime)),
                    {"key": full_key, "at": row.at, "callid": row.callid, "queue": row.queue, "agent": row.agent,
                     "event": row.event, "d1": row.data[0], "d2": row.data[1], "d3": row.data[2]})
        db.session.remove()
        upgrade_core()
        assert store_lines(LINES, "again").duplicates == 2
        assert db.session.scalar(select(func.count()).select_from(QueueLogEntry)) == 2
        db.session.remove()
        db.engine.dispose()
