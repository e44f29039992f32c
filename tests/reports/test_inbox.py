"""The report inbox: a report asked for in the background is queued, built (by the worker's
job, or by calling the run function as the tests do) with its progress visible to the page,
and downloadable by its owner only; failures and dead workers end as a failed run with a
message in Chinese; claiming a run is atomic."""
from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from flask.cli import ScriptInfo
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from app.api import Report, hookimpl
from app.audit.models import AuditLog
from app.commands import cli
from app.cti.queue_log import store_lines
from app.extensions import db
from app.reports import progress, runs
from app.reports.inbox_models import ReportFile, ReportRun, ReportSubscription
from app.reports.periods import PeriodReportForm
from app.testing import csrf_token_from, submit
from app.testing.concurrency import at_once
from app.timeutil import utcnow

T0 = 1796090400   # 2026-12-01 10:00 in Shanghai
LINES = [
    f"{T0}|a1|q-post|NONE|ENTERQUEUE||13800138001|1",
    f"{T0 + 20}|a1|q-post|Agent 8001|CONNECT|20|a1.1|2",
    f"{T0 + 140}|a1|q-post|Agent 8001|COMPLETEAGENT|20|120|1",
    f"{T0 + 300}|a2|q-post|NONE|ENTERQUEUE||13800138002|1",
    f"{T0 + 310}|a2|q-post|Agent 8001|CONNECT|10|a2.1|2",
    f"{T0 + 370}|a2|q-post|Agent 8001|COMPLETECALLER|10|60|1",
    f"{T0 + 400}|a3|q-post|NONE|ENTERQUEUE||13800138003|1",
    f"{T0 + 430}|a3|q-post|NONE|ABANDON|1|1|30",
]
DAY = {"start": "2026-12-01", "end": "2026-12-01", "period": "day", "queue": ""}


class Builders:
    """A plugin with a report that fails, and one that looks at its own progress page
    half-way (as the manager's browser would) before it finishes."""

    def __init__(self) -> None:
        self.seen_half_way: list[dict] = []
        self.client = None
        self.run_url = ""

    def broken(self, params):
        raise ValueError("数据源暂时不可用")

    def watched(self, params):
        progress.report_progress(1, 2)
        self.seen_half_way.append(self.client.get(self.run_url).get_json())
        progress.report_progress(2, 2)
        wb = Workbook()
        wb.active.append(["完成"])
        return wb

    @hookimpl
    def postline_reports(self):
        return [Report("itest.broken", "坏报表", "reports.view", self.broken, form_class=PeriodReportForm),
                Report("itest.watched", "看进度", "reports.view", self.watched, form_class=PeriodReportForm)]


@pytest.fixture
def builders() -> Builders:
    return Builders()


@pytest.fixture
def app_config(app_config, builders):
    return {**app_config, "PLUGIN_OBJECTS": {"itest": builders}}


@pytest.fixture
def manager(make_user):
    return make_user("manager", username="li.manager")


def stored_ids(column) -> list:
    db.session.expire_all()
    return sorted(db.session.scalars(select(column)))


def queue(client, name: str, data: dict = DAY) -> ReportRun:
    response = submit(client, f"/reports/{name}", {**data, "background": "1"})
    assert response.status_code == 302, response.get_data(as_text=True)
    run_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    assert response.headers["Location"].endswith(f"/reports/inbox/{run_id}")
    return db.session.get(ReportRun, run_id)


def test_queued_run_is_built_with_progress_and_downloaded_by_its_owner_only(
        app, manager, make_user, client_for, monkeypatch):
    store_lines(LINES, "test")
    client = client_for(manager)
    run = queue(client, "agent-calls")
    assert (run.status, run.user_id, run.report) == ("queued", manager.id, "agent-calls")

    page = client.get(f"/reports/inbox/{run.id}").get_data(as_text=True)
    assert "<progress" in page and "排队中" in page and "report_run.js" in page
    assert client.get(f"/reports/inbox/{run.id}/progress").get_json()["status"] == "queued"

    shares: list[float] = []
    monkeypatch.setattr(progress, "PROGRESS_EVERY", 1)
    monkeypatch.setattr(runs, "ProgressWriter", lambda run_id: shares.append)
    built = runs.run_report(run.id)
    assert built.status == "done" and built.progress == 1.0 and built.error == ""
    assert shares == [0.5, 1.0]   # the call-detail loop told how far it was, per row here
    assert built.filename == "agent-calls-20261201-20261201.xlsx" and built.size > 0

    state = client.get(f"/reports/inbox/{run.id}/progress").get_json()
    assert state["status"] == "done" and state["download"].endswith(f"/reports/inbox/{run.id}/download")
    download = client.get(state["download"])
    assert download.status_code == 200 and "agent-calls-20261201" in download.headers["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(download.data)).worksheets[0].iter_rows(values_only=True))
    assert [(row[3], row[6]) for row in rows[1:]] == [("13800138001", 120), ("13800138002", 60)]
    audit = db.session.scalars(select(AuditLog).where(AuditLog.action == "download",
                                                      AuditLog.object_id == "agent-calls")).all()
    assert [entry.actor for entry in audit] == ["li.manager"]

    inbox = client.get("/reports/inbox/").get_data(as_text=True)
    assert f'data-run="{run.id}" data-status="done"' in inbox and "2026-12-01 – 2026-12-01" in inbox
    assert "统计周期: 日" in inbox   # the parameters as the form names them

    # Another manager: the run, its page, its progress and its file do not exist for him.
    other = client_for(make_user("manager"))
    for url in (f"/reports/inbox/{run.id}", f"/reports/inbox/{run.id}/progress",
                f"/reports/inbox/{run.id}/download"):
        assert other.get(url).status_code == 404, url
    token = csrf_token_from(other.get("/reports/inbox/").get_data(as_text=True))
    assert other.post(f"/reports/inbox/{run.id}/delete", data={"csrf_token": token}).status_code == 404
    assert f'data-run="{run.id}"' not in other.get("/reports/inbox/").get_data(as_text=True)
    # An agent may not open reports at all.
    assert client_for(make_user("agent")).get(f"/reports/inbox/{run.id}/download").status_code == 403

    # The owner deletes it: the file goes with it.
    response = submit(client, f"/reports/inbox/{run.id}/delete", {}, page="/reports/inbox/")
    assert response.status_code == 302
    assert stored_ids(ReportRun.id) == [] and stored_ids(ReportFile.run_id) == []


def test_the_page_sees_the_progress_while_the_build_runs(app, manager, client_for, builders, monkeypatch):
    monkeypatch.setattr(runs, "PROGRESS_WRITE_SECONDS", 0)
    builders.client = client_for(manager)
    run = queue(builders.client, "itest.watched")
    builders.run_url = f"/reports/inbox/{run.id}/progress"
    assert runs.run_report(run.id).status == "done"
    [half_way] = builders.seen_half_way
    assert half_way["status"] == "running" and half_way["progress"] == 0.5 and half_way["download"] is None


def test_the_missed_calls_loop_reports_progress_only_when_watched(app, monkeypatch):
    store_lines(LINES, "test")
    monkeypatch.setattr(progress, "PROGRESS_EVERY", 1)
    shares: list[float] = []
    report = runs.declared_report("missed-calls")
    with progress.reporting_to(shares.append):
        runs.to_bytes(report.build({"start": date(2026, 12, 1), "end": date(2026, 12, 1)}))
    assert shares == [1.0]   # one missed call of one
    assert progress.expected_rows(select(ReportRun)) is None   # nobody watching: nothing counted


def test_a_failing_build_is_shown_failed_with_its_reason_in_chinese(app, manager, client_for):
    client = client_for(manager)
    run = queue(client, "itest.broken")
    failed = runs.run_report(run.id)
    assert failed.status == "failed" and failed.finished_at is not None
    assert "报表生成失败" in failed.error and "数据源暂时不可用" in failed.error
    state = client.get(f"/reports/inbox/{run.id}/progress").get_json()
    assert state["status"] == "failed" and state["label"] == "失败" and "数据源暂时不可用" in state["error"]
    assert "数据源暂时不可用" in client.get(f"/reports/inbox/{run.id}").get_data(as_text=True)
    assert client.get(f"/reports/inbox/{run.id}/download").status_code == 404
    assert db.session.get(ReportFile, run.id) is None


def test_form_errors_are_in_chinese_and_nothing_is_queued(app, manager, client_for):
    client = client_for(manager)
    response = submit(client, "/reports/agent-calls", {**DAY, "start": "2026-12-02", "background": "1"})
    assert response.status_code == 400 and "结束日期" in response.get_data(as_text=True)
    assert db.session.scalars(select(ReportRun)).all() == []


def test_every_form_needs_its_csrf_token(app, manager, client_for):
    client = client_for(manager)
    run = queue(client, "agent-calls")
    refused = [client.post("/reports/agent-calls", data={**DAY, "background": "1"}),
               client.post(f"/reports/inbox/{run.id}/delete"),
               client.post("/reports/inbox/subscriptions", data={"report": "call-summary", "frequency": "daily"})]
    # A form without its token is sent back ("the form had expired"), and changes nothing.
    assert [r.status_code for r in refused] == [302, 302, 302]
    assert "/reports/inbox/" not in refused[0].headers["Location"]
    assert stored_ids(ReportRun.id) == [run.id] and stored_ids(ReportSubscription.id) == []


def test_a_run_is_claimed_by_one_worker_only(app, manager):
    run = runs.queue_run(manager, runs.declared_report("call-summary"), {})
    db.session.commit()
    claimed = at_once(app, [lambda: runs.claim_next("worker-1"), lambda: runs.claim_next("worker-2")],
                      meet_after=lambda sql: sql.lstrip().upper().startswith("SELECT"))
    assert sorted(claimed, key=str) == sorted([run.id, None], key=str), claimed
    db.session.expire_all()
    stored = db.session.get(ReportRun, run.id)
    assert stored.status == "running" and stored.attempts == 1
    assert stored.claimed_by == ("worker-1" if claimed[0] == run.id else "worker-2")
    # Somebody else's claim is final: run_report does not build it a second time.
    assert runs.run_report(run.id) is None and not runs.claim(run.id)
    db.session.refresh(stored)
    assert stored.status == "running" and stored_ids(ReportFile.run_id) == []


def test_a_run_whose_worker_died_is_queued_again_then_failed(app, manager):
    run = runs.queue_run(manager, runs.declared_report("call-summary"), {})
    db.session.commit()
    assert runs.claim(run.id, "dead-worker")
    timeout = timedelta(minutes=app.config["REPORT_RUN_TIMEOUT_MINUTES"])
    assert runs.requeue_stale(now=utcnow()) == 0               # alive a moment ago
    assert runs.requeue_stale(now=utcnow() + timeout * 2) == 1
    db.session.refresh(run)
    assert run.status == "queued"
    assert runs.claim(run.id, "dead-again") and runs.requeue_stale(now=utcnow() + timeout * 2) == 1
    db.session.refresh(run)
    assert run.status == "failed" and "工作进程" in run.error


def test_old_files_are_swept(app, manager):
    report = runs.declared_report("call-summary")
    old, new = runs.queue_run(manager, report, {}), runs.queue_run(manager, report, {})
    old.requested_at = utcnow() - timedelta(days=app.config["REPORT_INBOX_DAYS"] + 1)
    db.session.commit()
    for run in (old, new):
        runs.run_report(run.id)
    assert runs.sweep() == 1
    assert stored_ids(ReportRun.id) == stored_ids(ReportFile.run_id) == [new.id]


def test_the_direct_download_still_works(app, manager, client_for):
    store_lines(LINES, "test")
    response = submit(client_for(manager), "/reports/agent-calls", DAY)
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    assert db.session.scalars(select(ReportRun)).all() == []


def test_without_a_worker_the_command_builds_what_is_queued(app, manager, client_for):
    run = queue(client_for(manager), "call-summary")
    result = app.test_cli_runner().invoke(cli, ["reports", "run-queued"], obj=ScriptInfo(create_app=lambda: app))
    assert result.exit_code == 0 and "1 report(s) built" in result.output, result.output
    db.session.expire_all()
    assert db.session.get(ReportRun, run.id).status == "done"
