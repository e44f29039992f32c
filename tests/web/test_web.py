"""The base web layout: health check, navigation filtered by permission, local assets,
customers, and the Chinese-first interface."""
from __future__ import annotations

import re
from pathlib import Path

from app import create_app
from app.customers.models import Customer
from app.extensions import db
from app.testing import submit
from app.testing.pytest_plugin import base_config

ROOT = Path(__file__).resolve().parents[2]


def test_healthz_answers_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_answers_503_when_the_database_is_gone(tmp_path):
    app = create_app(base_config(f"sqlite:///{tmp_path}/missing/dir/x.sqlite", []))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unreachable"


def _nav(html: str) -> set[str]:
    return set(re.findall(r'data-nav="([^"]+)"', html))


def test_navigation_shows_only_what_the_role_may_open(client, login):
    login("agent")
    agent_nav = _nav(client.get("/").get_data(as_text=True))
    assert "customers" in agent_nav
    assert not {"admin.users", "admin.plugins", "admin.audit", "reports"} & agent_nav


def test_navigation_of_admin_has_the_admin_pages(client, login):
    login("admin")
    admin_nav = _nav(client.get("/").get_data(as_text=True))
    assert {"admin.users", "admin.plugins", "admin.audit", "reports", "customers"} <= admin_nav


def test_manager_sees_reports_but_not_user_admin(client, login):
    login("manager")
    nav = _nav(client.get("/").get_data(as_text=True))
    assert "reports" in nav and "admin.users" not in nav


def test_interface_is_chinese_by_default_and_english_on_request(client, login):
    login("agent")
    html = client.get("/").get_data(as_text=True)
    assert 'lang="zh-CN"' in html and "客户" in html and "客户服务" in html
    submit(client, "/lang", {"lang": "en"}, page="/")
    html = client.get("/").get_data(as_text=True)
    assert 'lang="en"' in html and "Customers" in html


def test_login_page_is_chinese(client):
    html = client.get("/auth/login").get_data(as_text=True)
    assert "登录" in html and "密码" in html


def test_unknown_page_answers_404_in_chinese(client, login):
    login("agent")
    response = client.get("/no/such/page")
    assert response.status_code == 404 and "页面不存在" in response.get_data(as_text=True)


def test_templates_load_no_asset_from_another_site():
    """Call centres run on closed intranets: every script, style, font and image is ours."""
    offenders = []
    for folder in ("app", "plugins", "examples"):
        for path in (ROOT / folder).rglob("*.html"):
            text = path.read_text(encoding="utf-8")
            for match in re.finditer(r'(?:src|href)\s*=\s*["\'](https?:)?//', text):
                offenders.append(f"{path.relative_to(ROOT)}: {match.group(0)}")
    for path in (ROOT / "app" / "static").rglob("*.css"):
        if re.search(r"url\(\s*['\"]?(https?:)?//|@import\s+['\"]?(https?:)?//", path.read_text()):
            offenders.append(str(path))
    assert offenders == []


def test_static_stylesheet_is_served(client):
    response = client.get("/static/postline.css")
    assert response.status_code == 200 and b"body" in response.data


def test_customer_search_by_phone_and_timeline_page(client, login):
    db.session.add_all([Customer(name="张伟", phone="13800000001"), Customer(name="王芳", phone="13800000002")])
    db.session.commit()
    login("agent")
    html = client.get("/customers/?q=0002").get_data(as_text=True)
    assert "王芳" in html and "张伟" not in html
    customer_id = db.session.scalar(db.select(Customer.id).where(Customer.name == "王芳"))
    detail = client.get(f"/customers/{customer_id}")
    assert detail.status_code == 200 and "13800000002" in detail.get_data(as_text=True)
    assert client.get("/customers/999999").status_code == 404
