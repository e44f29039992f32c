"""The report inbox in a real browser at 1024 px: a manager builds the call detail in the
background, the run page's bar waits for it (no worker runs here: the test body builds it,
as ``postline reports run-queued`` would) and turns into the download link by itself; the
inbox lists the file and the subscription form. Screenshots in ``test-artefacts/``."""
from __future__ import annotations

from datetime import date
from typing import Any

from playwright.sync_api import expect
from sqlalchemy import select

from app.auth.models import User
from app.cti.queue_log import store_lines
from app.extensions import db
from app.reports import runs
from app.reports.inbox_models import ReportRun
from app.testing.pytest_plugin import TEST_PASSWORD

T0 = 1796090400   # 2026-12-01 10:00 in Shanghai
LINES = [f"{T0}|b1|q-post|NONE|ENTERQUEUE||13800138001|1",
         f"{T0 + 20}|b1|q-post|Agent 8001|CONNECT|20|b1.1|2",
         f"{T0 + 140}|b1|q-post|Agent 8001|COMPLETEAGENT|20|120|1"]


def _fits(page: Any) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_background_build_from_the_form_to_the_download(live_server, new_page, make_user, artefacts):
    store_lines(LINES, "test")
    make_user("manager", username="zhou.manager")
    page = new_page(width=1024, height=768)
    page.goto(f"{live_server}/auth/login")
    page.fill("input[name=username]", "zhou.manager")
    page.fill("input[name=password]", TEST_PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")

    page.goto(f"{live_server}/reports/agent-calls")
    page.fill("input[name=start]", "2026-12-01")
    page.fill("input[name=end]", "2026-12-01")
    page.screenshot(path=str(artefacts / "0-form.png"), full_page=True)
    with page.expect_navigation():
        page.click("button[name=background]")
    assert "/reports/inbox/" in page.url
    assert page.locator("progress#run-progress").is_visible()
    assert page.locator("#run-status").inner_text() == "排队中"
    page.screenshot(path=str(artefacts / "1-run-queued.png"), full_page=True)
    assert _fits(page)

    db.session.remove()
    [run_id] = db.session.scalars(select(ReportRun.id)).all()
    assert runs.claim(run_id, "test-worker")
    runs.ProgressWriter(run_id)(0.4)   # what a builder's loop writes
    expect(page.locator("#run-status")).to_have_text("生成中")   # the poll saw it, no reload
    assert page.locator("#run-progress").evaluate("bar => bar.value") == 40
    assert page.locator("#run-percent").inner_text() == "40%"
    page.screenshot(path=str(artefacts / "2-run-building.png"), full_page=True)
    assert runs.build_claimed(run_id).status == "done"
    page.locator("#run-download").wait_for(state="visible")   # the poll saw it, no reload
    assert page.locator("#run-status").inner_text() == "已完成"
    assert page.locator("#run-file").inner_text() == "agent-calls-20261201-20261201.xlsx"
    assert not page.locator("progress#run-progress").is_visible()
    page.screenshot(path=str(artefacts / "3-run-done.png"), full_page=True)
    with page.expect_download() as download:
        page.click("#run-download")
    assert download.value.suggested_filename == "agent-calls-20261201-20261201.xlsx"

    # A run that failed, as the inbox shows it.
    manager = db.session.scalars(select(User).where(User.username == "zhou.manager")).one()
    failed = runs.queue_run(manager, runs.declared_report("missed-calls"),
                            {"start": date(2026, 11, 1), "end": date(2026, 11, 30), "period": "day", "queue": "q-ems"})
    failed.status, failed.error = "failed", "报表生成失败：数据源暂时不可用"
    db.session.commit()

    page.goto(f"{live_server}/reports/inbox/")
    assert page.locator(f"tr[data-run='{run_id}'][data-status='done']").is_visible()
    page.select_option("select[name=frequency]", "weekly")
    page.fill("input[name=email]", "zhou@example.com")
    with page.expect_navigation():
        page.click("form[action$='/subscriptions'] button[type=submit]")
    assert page.locator("tr[data-subscription]").inner_text().split("\t")[2:4] == ["每周", "zhou@example.com"]
    page.screenshot(path=str(artefacts / "4-inbox.png"), full_page=True)
    assert _fits(page)
