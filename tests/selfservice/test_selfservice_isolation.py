"""Nothing of PostLine is reachable from the public pages: every link, image, stylesheet and
form on them stays under /public, they give no login cookie (only their own, scoped to
/public), a staff login neither shows there nor is touched, staff pages still need a login,
and the pages can be switched off (then 404, form posts included)."""
from __future__ import annotations

from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from app.extensions import db
from app.selfservice.cookies import PUBLIC_COOKIE
from app.testing import submit
from app.tickets.models import WorkOrder

PREFIX = "/public"
DOMAIN = "postline.test"  # the test apps' SERVER_NAME


class Targets(HTMLParser):
    """Every address a page can lead the browser to."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src", "action", "formaction", "srcset", "data") and value is not None:
                self.found.append(value)


def targets(page: str) -> list[str]:
    parser = Targets()
    parser.feed(page)
    return parser.found


def _public_pages(app, citizen, send) -> dict[str, str]:
    """Every kind of page a citizen can reach, error pages included."""
    pages = {}

    def keep(name, response):
        pages[name] = response.get_data(as_text=True)
        return response

    for path in ("/public/", "/public/submit/complaint", "/public/submit/suggestion", "/public/status",
                 "/public/no-such-page", "/public/submit/service"):
        keep(path, citizen.get(path))
    keep("form errors", send(phone="1"))
    submitted = send()
    assert submitted.headers["Location"].endswith("/public/done")
    keep("done", citizen.get("/public/done"))
    number = db.session.scalar(select(WorkOrder.number))
    keep("found", submit(citizen, "/public/status", {"number": number, "phone": "13800138000"}))
    keep("not found", submit(citizen, "/public/status", {"number": number, "phone": "13900000000"}))
    keep("expired form", citizen.post("/public/status", data={"number": number}))
    app.config["SELFSERVICE_STATUS_LIMIT"] = "1 per hour"  # a new limit counts afresh
    submit(citizen, "/public/status", {"number": number, "phone": "13800138000"})
    keep("too many", submit(citizen, "/public/status", {"number": number, "phone": "13800138000"}))
    return pages


def test_every_link_and_form_on_the_public_pages_stays_under_public(app, citizen, send):
    pages = _public_pages(app, citizen, send)
    assert "操作次数过多" in pages["too many"] and "表单已过期" in pages["expired form"]
    for name, page in pages.items():
        found = targets(page)
        assert found, name
        outside = [t for t in found if not (t.startswith(PREFIX + "/") or t == PREFIX)]
        assert outside == [], f"{name}: {outside}"
        assert "PostLine" not in page, name  # not the staff layout
        assert 'name="viewport" content="width=device-width, initial-scale=1"' in page, name


def test_the_public_pages_give_no_login_cookie(app, citizen, send):
    responses = [citizen.get("/public/"), citizen.get("/public/submit/complaint"), send(), citizen.get("/public/done")]
    cookies = [header for r in responses for header in r.headers.getlist("Set-Cookie")]
    assert cookies and all(c.startswith(PUBLIC_COOKIE + "=") and "Path=/public" in c and "HttpOnly" in c
                           for c in cookies), cookies
    assert citizen.get_cookie(PUBLIC_COOKIE, domain=DOMAIN, path="/public") is not None
    assert citizen.get_cookie("session", domain=DOMAIN) is None
    assert citizen.get_cookie("remember_token", domain=DOMAIN) is None


def test_staff_pages_stay_behind_the_login(app, citizen, send):
    send()
    number = db.session.scalar(select(WorkOrder.number))
    for path in ("/", "/tickets/mine", f"/tickets/{number}", "/customers/", "/admin/plugins"):
        response = citizen.get(path)
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"], path


def test_a_staff_login_is_neither_shown_nor_touched_on_the_public_pages(app, login):
    staff = login("agent")
    session_cookie = staff.get_cookie("session", domain=DOMAIN).value
    responses = [staff.get("/public/"), staff.get("/public/submit/complaint")]
    page = responses[0].get_data(as_text=True)
    assert "退出" not in page and "Log out" not in page and "/tickets" not in page
    assert all(c.startswith(PUBLIC_COOKIE + "=") for r in responses for c in r.headers.getlist("Set-Cookie"))
    assert staff.get_cookie("session", domain=DOMAIN).value == session_cookie
    assert staff.get("/tickets/mine").status_code == 200  # still logged in for the staff site


@pytest.fixture
def switched_off(app):
    app.config["SELFSERVICE_ENABLED"] = False
    return app


def test_switched_off_every_public_page_is_not_found(switched_off, citizen):
    for path in ("/public/", "/public/submit/complaint", "/public/status", "/public/static/selfservice.css"):
        assert citizen.get(path).status_code == 404, path
    posted = citizen.post("/public/submit/complaint", data={"name": "x"})
    assert posted.status_code == 404 and db.session.scalar(select(WorkOrder)) is None
