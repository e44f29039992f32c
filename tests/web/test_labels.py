"""Code names on the administration pages come with their names in the reader's language:
roles in the user list, plugin hooks (the code name small beside), the settings page title."""
from __future__ import annotations

import re


def test_user_list_names_roles_in_chinese(client, login, make_user):
    make_user("backoffice", "qa", username="zhou")
    login("admin")
    html = client.get("/admin/users").get_data(as_text=True)
    row = re.search(r"<tr><td><a [^>]*>zhou</a>.*?</tr>", html, re.S).group(0)
    assert "后台业务员、质检员" in row and "backoffice" not in row


def test_plugin_hooks_are_described_with_the_code_name_beside(client, login):
    login("admin")
    html = client.get("/admin/plugins").get_data(as_text=True)
    assert '提供IVR节点 <span class="code-name">postline_ivr_nodes</span>' in html
    assert "postline_ivr_nodes, " not in html


def test_settings_page_title_is_translated(client, login):
    login("admin")
    html = client.get("/admin/plugins/postcode/settings").get_data(as_text=True)
    assert "<title>postcode 的设置 · PostLine</title>" in html
