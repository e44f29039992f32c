"""The browser harness itself: a real Chromium logs in on a real server."""
from __future__ import annotations

from app.testing.pytest_plugin import TEST_PASSWORD


def test_a_user_logs_in_with_the_keyboard(live_server, new_page, make_user, artefacts):
    user = make_user("agent")
    page = new_page(1024, 768)
    page.goto(f"{live_server}/auth/login")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", TEST_PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.screenshot(path=str(artefacts / "after-login.png"))
    assert "/auth/login" not in page.url
    assert page.locator("nav").count() >= 1
