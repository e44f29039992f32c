"""The home page is each role's own: the links of its work, by section, its own section
first, and nothing it may not open."""
from __future__ import annotations

import re

import pytest


def _sections(html: str) -> list[str]:
    return re.findall(r'data-section="([^"]+)"', html)


def _tiles(html: str) -> set[str]:
    return set(re.findall(r'data-tile="([^"]+)"', html))


def _nav(html: str) -> set[str]:
    return set(re.findall(r'data-nav="([^"]+)"', html))


@pytest.mark.parametrize("role, first, tiles", [
    ("agent", "desk", {"customers", "desk.forms", "ivr.voicemail", "postcode.lookup"}),
    ("backoffice", "backoffice", {"tickets.queue", "customers", "postcode.lookup"}),
    ("teamlead", "reports", {"reports", "ivr.flows", "ivr.lines", "ivr.simulator", "customers"}),
    ("manager", "reports", {"reports", "customers"}),
    ("admin", "admin", {"admin.users", "ivr.lines", "ivr.flows", "admin.plugins", "admin.audit"}),
])
def test_each_role_sees_its_own_work_first(client, login, role, first, tiles):
    login(role)
    html = client.get("/").get_data(as_text=True)
    assert _sections(html)[0] == first
    assert tiles <= _tiles(html)
    assert _tiles(html) == _nav(html)  # the home page offers what the menu offers, no more


def test_home_names_the_sections_and_the_roles_not_the_agent_desk_for_all(client, login):
    login("backoffice")
    html = client.get("/").get_data(as_text=True)
    assert "坐席工作台" not in html and "客户服务" in html
    assert "您的角色：后台业务员" in html
    assert not {"admin.users", "reports", "ivr.flows"} & _tiles(html)


def test_admin_home_has_an_administration_section_before_the_rest(client, login):
    login("admin")
    html = client.get("/").get_data(as_text=True)
    sections = _sections(html)
    assert sections[0] == "admin" and set(sections) == {"admin", "desk", "backoffice", "quality", "reports"}
    main = html.split("<main>", 1)[1]
    assert main.index("系统管理") < main.index("客户服务")


def test_the_current_page_is_marked_in_the_menu(client, login):
    login("admin")
    html = client.get("/admin/audit").get_data(as_text=True)
    assert re.search(r'data-nav="admin.audit" aria-current="page"', html)
