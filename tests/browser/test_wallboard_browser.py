"""The wallboard and the manager dashboard in a real browser: the wall screen shows the
morning's figures and then a change pushed over server-sent events (no reload), at 1024 and
1920 pixels wide, and says so when no snapshot arrives; the dashboard's charts are drawn
by the ECharts served from PostLine. Screenshots of both widths are kept
(``test-artefacts/``)."""
from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from app.cti import wakeup
from app.cti.events import dispatch
from app.extensions import db
from tests.stats.board_data import MAIN, morning


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "WALLBOARD_REFRESH_SECONDS": 1, "LIVE_POLL_SECONDS": 0.2}


@pytest.fixture(autouse=True)
def stop_hubs(app):
    yield
    wakeup.stop(app)


def test_wallboard_updates_itself_and_dashboard_draws_charts(live_server, log_in, new_page, make_user,
                                                             artefacts):
    morning(make_user)
    make_user("manager", username="boss")
    board = new_page(1024, 768)
    log_in(board, "boss")
    board.goto(f"{live_server}/stats/wallboard")
    main = board.locator(f"[data-board-queue='{MAIN}']")
    assert main.locator("[data-field=waiting]").inner_text() == "2"
    assert main.locator("[data-field=answer_rate]").inner_text() == "75.0%"
    assert "c-red" in main.locator("[data-colour=service_level]").get_attribute("class")
    board.screenshot(path=str(artefacts / "wallboard-1024.png"), full_page=True)

    dispatch({"Event": "QueueCallerJoin", "Queue": MAIN, "Uniqueid": "w3", "CallerIDNum": "13800138222",
              "Position": "3", "Count": "3"})
    db.session.commit()
    expect(main.locator("[data-field=waiting]")).to_have_text("3", timeout=15_000)  # pushed, not reloaded
    assert board.locator("#wallboard-stale").is_hidden()
    board.set_viewport_size({"width": 1920, "height": 1080})
    board.screenshot(path=str(artefacts / "wallboard-1920.png"), full_page=True)

    cut_off = new_page(1024, 768)
    log_in(cut_off, "boss")
    cut_off.route("**/stats/wallboard/stream*", lambda route: route.abort())   # the server is unreachable
    cut_off.goto(f"{live_server}/stats/wallboard")
    expect(cut_off.locator("#wallboard-stale")).to_be_visible(timeout=15_000)
    cut_off.screenshot(path=str(artefacts / "wallboard-stale-1024.png"))

    for width in (1024, 1920):
        page = new_page(width, 900)
        log_in(page, "boss")
        page.goto(f"{live_server}/stats/dashboard")
        page.locator("[data-chart=volume] canvas").wait_for(timeout=15_000)
        assert page.locator("[data-chart=abandon] canvas").count() == 1
        page.screenshot(path=str(artefacts / f"dashboard-{width}.png"), full_page=True)
        page.goto(f"{live_server}/stats/forecast")
        page.locator("[data-chart=forecast] canvas").wait_for(timeout=15_000)
        page.screenshot(path=str(artefacts / f"forecast-{width}.png"))
