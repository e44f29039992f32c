"""Bad input from a browser is a 400 or a 404, never a 500: every page of the URL map, as an
admin, with numbers the database cannot hold and with control characters (app.web.inputs)."""
from __future__ import annotations

import pytest
from werkzeug.routing import IntegerConverter

from app.testing import csrf_token_from, submit

HUGE_QUERY = {"page": "99999999999999999999", "version": "99999999999", "per_page": "99999999999999",
              "line": "99999999999", "flow": "main", "new": "1", "actor": "99999999999999999999"}


@pytest.fixture
def admin(login, app):
    """An admin client and a site with a flow, a line and a customer, so that pages with an
    object in their address are reached with real objects as well as absent ones."""
    from app.customers.models import Customer
    from app.extensions import db
    from app.ivr import flows
    from app.ivr.models import IVRFlow, IVRLine

    flows.save_version("main", {"steps": [{"id": "bye", "type": "core.hangup"}]}, author="test")
    flow = db.session.query(IVRFlow).filter_by(name="main").one()
    db.session.add(IVRLine(number="11185", name="热线", flow_id=flow.id))
    db.session.add(Customer(name="张三", phone="13800000001"))
    db.session.commit()
    return login("admin")


def get_routes(app, int_value: int, text: str) -> list[str]:
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        values = {}
        for name, converter in rule._converters.items():
            values[name] = int_value if isinstance(converter, IntegerConverter) else text
        urls.append(rule.build(values, append_unknown=False)[1])
    return urls


@pytest.mark.parametrize("int_value,text", [(1, "main"), (1, "11185"), (99999999999999, "x")])
def test_no_page_fails_on_numbers_too_big_for_the_database(app, admin, int_value, text):
    failed = {}
    for url in get_routes(app, int_value, text):
        response = admin.get(url, query_string=HUGE_QUERY)
        if response.status_code >= 500:
            failed[url] = response.status_code
        response.close()  # a live stream (the desk's) would run on
    assert not failed


def test_an_id_too_big_for_the_database_is_no_such_page(app, admin):
    assert admin.get("/customers/99999999999999").status_code == 404


def test_a_nul_byte_anywhere_in_the_address_is_a_400_in_chinese(app, admin):
    for url in get_routes(app, 1, "main"):
        response = admin.get(url, query_string={"q": "\x00", "page": "1"})
        response.close()
        assert response.status_code == 400, url
    response = admin.get("/customers/", query_string="q=%00")
    assert response.status_code == 400
    assert "不接受" in response.get_data(as_text=True)
    assert admin.get("/ivr/flows/ma%00in").status_code == 400


def test_a_number_too_big_is_ignored_where_a_number_is_optional(app, admin):
    response = admin.get("/customers/", query_string={"page": "99999999999999999999"})
    assert response.status_code == 200
    assert "张三" in response.get_data(as_text=True)
    assert admin.get("/ivr/flows/main", query_string={"version": "99999999999"}).status_code == 200


def test_tabs_and_line_breaks_in_a_form_are_allowed_control_characters_are_not(app, admin):
    page = admin.get("/ivr/flows/main/edit").get_data(as_text=True)
    definition = '{"steps": [\r\n\t{"id": "bye", "type": "core.hangup", "note": "x"}]}'
    ok = admin.post("/ivr/flows/main/edit", data={"definition": definition, "activate": "y",
                                                 "csrf_token": csrf_token_from(page)})
    assert ok.status_code == 302
    bad = admin.post("/ivr/flows/main/edit", data={"definition": definition.replace("x", "\x07"),
                                                  "csrf_token": csrf_token_from(page)})
    assert bad.status_code == 400


def test_a_nul_byte_in_the_login_form_is_refused_not_a_crash(app, client, make_user):
    user = make_user("admin")
    response = submit(client, "/auth/login", {"username": user.username[:2] + "\x00" + user.username[2:],
                                              "password": "x\x00y"})
    assert response.status_code == 400
    assert "不接受" in response.get_data(as_text=True)
