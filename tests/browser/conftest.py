"""A real browser on a real server: PostLine served by Werkzeug's threaded server on a free
loopback port (the ``app`` fixture's database, so the test body can arrange and check
rows), driven by Playwright with Debian's Chromium.

No Chromium means skipped, or a failure when ``POSTLINE_REQUIRE_BROWSER=1`` (CI installs
it). Screenshots go to ``POSTLINE_ARTEFACTS`` (default ``test-artefacts/`` in the
checkout), kept for people to look at."""
from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("POSTLINE_CHROMIUM", "/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    # A browser talks to 127.0.0.1, not the test client's made-up host.
    return {**app_config, "SERVER_NAME": None, "WTF_CSRF_SSL_STRICT": False}


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """The base URL of ``app`` served over HTTP in a thread."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def log_in(live_server: str) -> Any:
    """``log_in(page, username)``: the login form filled and sent as a person would."""
    from app.testing.pytest_plugin import TEST_PASSWORD

    def submit(page: Any, username: str) -> None:
        page.goto(f"{live_server}/auth/login")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", TEST_PASSWORD)
        with page.expect_navigation():
            page.keyboard.press("Enter")
    return submit


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    if not (shutil.which(CHROMIUM) or Path(CHROMIUM).exists()):
        if os.environ.get("POSTLINE_REQUIRE_BROWSER") == "1":
            pytest.fail(f"no Chromium at {CHROMIUM} (POSTLINE_REQUIRE_BROWSER=1)")
        pytest.skip(f"no Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture
def artefacts(request: pytest.FixtureRequest) -> Path:
    """Where this test's screenshots go (one folder per test and backend)."""
    base = Path(os.environ.get("POSTLINE_ARTEFACTS", ROOT / "test-artefacts"))
    folder = base / request.node.name.replace("[", "-").replace("]", "").replace("/", "-")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def new_page(chromium: Any) -> Iterator[Any]:
    """``new_page()`` → a page in a fresh browser context (its own cookies: one per user),
    1280×800, Chinese."""
    contexts: list[Any] = []

    def make(width: int = 1280, height: int = 800) -> Any:
        context = chromium.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
