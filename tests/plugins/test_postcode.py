"""The postcode plugin as agents and managers use it: real rows of the china-region
package (read here straight from its CSV, independently of the plugin's code), form
errors instead of crashes, every lookup counted, the Excel report, permissions, menu."""
from __future__ import annotations

import csv
import importlib.resources
import io
import re
import threading
from collections import defaultdict
from datetime import datetime
from functools import cache

import pytest
from openpyxl import load_workbook
from sqlalchemy import inspect, select

from app import api
from app.pluginhost.settings import get_setting, set_settings
from app.testing import submit
from app.testing.pytest_plugin import TEST_PASSWORD
from plugins.postcode import data, names, search
from plugins.postcode.models import PostcodeLookup

PAGE = "/p/postcode/"
BY_POSTCODE = "/p/postcode/postcode"
BY_REGION = "/p/postcode/region"
REPORT = "/reports/postcode.lookups"


@cache
def csv_rows() -> list[dict[str, str]]:
    text = importlib.resources.files("china_region").joinpath("region.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def row_of(county: str, city: str) -> dict[str, str]:
    return next(r for r in csv_rows() if r["county"] == county and r["city"] == city)


def counties_by_code() -> dict[str, set[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for r in csv_rows():
        found[r["zipCode"]].add(r["county"])
    return found


def counties_shown(html: str) -> list[str]:
    return re.findall(r'data-county="([^"]*)"', html)


def codes_shown(html: str) -> list[str]:
    return re.findall(r'data-postcode="([^"]*)"', html)


def english(client) -> None:
    """The tests read the English msgids, whatever the Chinese catalog says."""
    submit(client, "/lang", {"lang": "en"}, page=PAGE)


def new_client(app, make_user, *roles: str):
    """A second browser, logged in as a new user with ``roles``."""
    client = app.test_client()
    user = make_user(*roles)
    response = submit(client, "/auth/login", {"username": user.username, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return client, user


def lookups() -> list[PostcodeLookup]:
    from app.extensions import db

    return list(db.session.scalars(select(PostcodeLookup).order_by(PostcodeLookup.id)))


# --- postcode → region -------------------------------------------------------------

def test_the_placeholder_postcode_999999_finds_no_region(login):
    """The data marks four counties it has no code for with 999999: they are no answer."""
    assert len(counties_by_code()["999999"]) == 4
    client = login("agent")
    html = submit(client, BY_POSTCODE, {"postcode": "999999"}, page=PAGE).get_data(as_text=True)
    assert 'data-result="none"' in html and 'data-result="nearby"' not in html
    assert counties_shown(html) == [] and codes_shown(html) == []


@pytest.mark.parametrize("fields", [{"county": "黄岛区"}, {"county": "金门县"}, {"address": "青岛市黄岛区"}])
def test_rows_with_a_placeholder_or_invalid_postcode_are_never_listed(login, fields):
    client = login("agent")
    html = submit(client, BY_REGION, fields, page=PAGE).get_data(as_text=True)
    assert "黄岛区" not in counties_shown(html) and "金门县" not in counties_shown(html)
    assert "999999" not in codes_shown(html)
    assert all(re.fullmatch(r"[0-9]{6}", code) for code in codes_shown(html))

def test_known_postcode_shows_its_region_from_the_package_data(login):
    client = login("agent")
    response = submit(client, BY_POSTCODE, {"postcode": "363800"}, page=PAGE)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    expected = row_of("华安县", "漳州市")
    assert expected["zipCode"] == "363800" and expected["province"] == "福建省"
    assert counties_shown(html) == ["华安县"]
    assert "福建省" in html and "漳州市" in html


def test_a_postcode_shared_by_several_places_shows_them_all(login):
    client = login("agent")
    code, counties = next((c, s) for c, s in counties_by_code().items() if len(s) >= 3 and len(c) == 6)
    html = submit(client, BY_POSTCODE, {"postcode": code}, page=PAGE).get_data(as_text=True)
    assert set(counties_shown(html)) == counties
    assert set(codes_shown(html)) == {code}


def test_unknown_postcode_says_so_and_offers_the_same_delivery_area(login):
    client = login("agent")
    known = counties_by_code()
    unknown = next(f"3638{n:02d}" for n in range(100) if f"3638{n:02d}" not in known)
    html = submit(client, BY_POSTCODE, {"postcode": unknown}, page=PAGE).get_data(as_text=True)
    assert 'data-result="none"' in html and 'data-result="nearby"' in html
    area = {r["county"] for r in csv_rows() if r["zipCode"].startswith("3638") and len(r["zipCode"]) == 6}
    assert set(counties_shown(html)) == area and "华安县" in area


def test_postcode_of_an_unknown_area_says_so_without_nearby_places(login):
    client = login("agent")
    areas = {code[:4] for code in counties_by_code()}
    unknown = next(f"{n:04d}00" for n in range(10000) if f"{n:04d}" not in areas)
    html = submit(client, BY_POSTCODE, {"postcode": unknown}, page=PAGE).get_data(as_text=True)
    assert 'data-result="none"' in html and 'data-result="nearby"' not in html
    assert counties_shown(html) == []


@pytest.mark.parametrize("typed", ["36380", "3638001", "36380a", "", "363 800", "一二三四五六"])
def test_a_postcode_that_is_not_six_digits_gets_the_form_error(login, typed):
    client = login("agent")
    english(client)
    response = submit(client, BY_POSTCODE, {"postcode": typed}, page=PAGE)
    assert response.status_code == 400
    assert "A postcode is exactly 6 digits, for example 363800." in response.get_data(as_text=True)
    assert lookups() == []


def test_full_width_digits_from_a_chinese_input_method_are_accepted(login):
    client = login("agent")
    html = submit(client, BY_POSTCODE, {"postcode": " ３６３８００ "}, page=PAGE).get_data(as_text=True)
    assert counties_shown(html) == ["华安县"]


# --- region / address → postcodes ----------------------------------------------------

@pytest.mark.parametrize("text", ["福建省漳州市华安县丰山镇", "华安", "漳州华安县"])
def test_address_text_finds_the_county(login, text):
    client = login("agent")
    html = submit(client, BY_REGION, {"address": text}, page=PAGE).get_data(as_text=True)
    assert counties_shown(html) == ["华安县"]
    assert codes_shown(html) == [row_of("华安县", "漳州市")["zipCode"]]


def test_address_without_suffixes_finds_the_district(login):
    client = login("agent")
    html = submit(client, BY_REGION, {"address": "广州越秀区"}, page=PAGE).get_data(as_text=True)
    assert counties_shown(html) == ["越秀区"]
    assert codes_shown(html) == [row_of("越秀区", "广州市")["zipCode"]]


def test_the_county_in_the_named_city_comes_first(login):
    """Two cities have a 朝阳区; the one the caller named is listed first, the other after."""
    client = login("agent")
    html = submit(client, BY_REGION, {"address": "北京市朝阳区"}, page=PAGE).get_data(as_text=True)
    codes = codes_shown(html)
    beijing, changchun = row_of("朝阳区", "北京市")["zipCode"], row_of("朝阳区", "长春市")["zipCode"]
    assert codes == [beijing, changchun]
    assert html.index('data-result="others"') > html.index(f'data-postcode="{beijing}"')


@pytest.mark.parametrize("fields", [
    {"province": "福建", "city": "漳州", "county": "华安"},
    {"province": "福建省", "city": "漳州市", "county": "华安县"},
    {"county": "华安县"},
])
def test_region_fields_match_names_with_or_without_their_suffix(login, fields):
    client = login("agent")
    html = submit(client, BY_REGION, fields, page=PAGE).get_data(as_text=True)
    assert counties_shown(html) == ["华安县"]


def test_a_city_lists_its_own_row_and_its_counties(login):
    client = login("agent")
    html = submit(client, BY_REGION, {"city": "漳州"}, page=PAGE).get_data(as_text=True)
    expected = [r["county"] for r in csv_rows() if r["city"] == "漳州市"]
    assert counties_shown(html) == expected and expected[0] == "漳州市"


@pytest.mark.parametrize("data, message", [
    ({}, "Enter a province, city or county, or an address."),
    ({"county": "华安", "address": "华安"},
     "Search either by province, city and county or by the address, not both."),
])
def test_region_form_needs_names_or_an_address_but_not_both(login, data, message):
    client = login("agent")
    english(client)
    response = submit(client, BY_REGION, data, page=PAGE)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert lookups() == []


def test_what_was_typed_is_shown_as_text_not_as_markup(login):
    client = login("agent")
    html = submit(client, BY_REGION, {"address": "<b>华安</b>"}, page=PAGE).get_data(as_text=True)
    assert "&lt;b&gt;华安&lt;/b&gt;" in html and "<b>华安" not in html


def test_nothing_found_says_so(login):
    client = login("agent")
    response = submit(client, BY_REGION, {"address": "Main Street 1"}, page=PAGE)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'data-result="none"' in html and counties_shown(html) == []


def test_max_results_setting_bounds_the_list(login, app):
    client = login("agent")
    set_settings("postcode", {"max_results": 3})
    html = submit(client, BY_REGION, {"province": "广东"}, page=PAGE).get_data(as_text=True)
    assert len(counties_shown(html)) == 3
    in_data = len({(r["city"], r["county"]) for r in csv_rows() if r["province"] == "广东省"})
    assert lookups()[-1].result_count == in_data > 3


# --- keyboard ------------------------------------------------------------------------------

def autofocused(html: str) -> list[str]:
    """The names of the inputs that take the keyboard focus when the page opens."""
    tags = re.findall(r"<input [^>]*>", html)
    return [re.search(r'name="([^"]+)"', tag).group(1) for tag in tags if re.search(r"\sautofocus[\s>=]", tag)]


def test_the_input_in_use_has_the_keyboard_focus(login):
    client = login("agent")
    assert autofocused(client.get(PAGE).get_data(as_text=True)) == ["postcode"]
    html = submit(client, BY_REGION, {"address": "华安"}, page=PAGE).get_data(as_text=True)
    assert autofocused(html) == ["address"]
    html = submit(client, BY_POSTCODE, {"postcode": "12"}, page=PAGE).get_data(as_text=True)
    assert autofocused(html) == ["postcode"]


# --- counting and report -------------------------------------------------------------

def test_every_lookup_is_counted_with_its_agent_kind_and_result_count(login):
    client = login("agent")
    before = api.utcnow()
    submit(client, BY_POSTCODE, {"postcode": "363800"}, page=PAGE)
    submit(client, BY_REGION, {"province": "福建", "county": "华安"}, page=PAGE)
    submit(client, BY_REGION, {"address": "北京市朝阳区"}, page=PAGE)
    rows = lookups()
    assert [(r.kind, r.query_text, r.result_count) for r in rows] == [
        ("postcode", "363800", 1), ("region", "福建 / 华安", 1), ("address", "北京市朝阳区", 2),
    ]
    assert len({r.user_id for r in rows}) == 1 and rows[0].user_id is not None
    assert all(before <= r.at <= api.utcnow() for r in rows)


def _add_lookup(user_id: int, at: datetime, kind: str = "postcode", result_count: int = 1) -> None:
    from app.extensions import db

    db.session.add(PostcodeLookup(user_id=user_id, at=at, kind=kind, query_text="x", result_count=result_count))
    db.session.commit()


def test_report_counts_lookups_per_local_day_agent_and_kind(app, make_user, login):
    agent = make_user("agent", username="wang")
    # Stored times are UTC; the centre's day (Asia/Shanghai, UTC+8) decides the row.
    _add_lookup(agent.id, datetime(2026, 3, 1, 15, 59))              # 1 March 23:59 local
    _add_lookup(agent.id, datetime(2026, 3, 1, 16, 0))               # 2 March 00:00 local
    _add_lookup(agent.id, datetime(2026, 3, 2, 1, 0), result_count=0)  # 2 March, nothing found
    _add_lookup(agent.id, datetime(2026, 3, 2, 2, 0), kind="address")
    _add_lookup(agent.id, datetime(2026, 3, 2, 16, 0))               # 3 March local: outside
    _add_lookup(agent.id, datetime(2026, 2, 28, 15, 59))             # 28 Feb local: outside
    client = login("manager")
    response = submit(client, REPORT, {"start": "2026-03-01", "end": "2026-03-02"})
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = [tuple(c.value for c in row) for row in sheet.iter_rows(min_row=2)]
    counted = sorted((r[0].date().isoformat(), r[3], r[4]) for r in rows)
    assert counted == [("2026-03-01", 1, 0), ("2026-03-02", 1, 0), ("2026-03-02", 2, 1)]
    assert all("wang" in r[1] for r in rows)
    assert len({r[2] for r in rows[1:]}) == 2  # postcode and address kinds apart
    assert sheet.max_column == 5


def test_report_refuses_an_end_before_the_start(login):
    client = login("manager")
    english(client)
    response = submit(client, REPORT, {"start": "2026-03-02", "end": "2026-03-01"})
    assert response.status_code == 400
    assert "The end date must not be before the start date." in response.get_data(as_text=True)


def test_report_is_offered_to_managers_only(app, make_user):
    manager, _ = new_client(app, make_user, "manager")
    assert 'data-report="postcode.lookups"' in manager.get("/reports/").get_data(as_text=True)
    agent, _ = new_client(app, make_user, "agent")
    assert agent.get(REPORT).status_code == 403


# --- permissions and menu ------------------------------------------------------------

@pytest.mark.parametrize("role", ["agent", "backoffice", "teamlead", "qa", "manager"])
def test_staff_roles_may_look_up_and_see_the_menu_item(app, make_user, role):
    client, _ = new_client(app, make_user, role)
    assert client.get(PAGE).status_code == 200
    assert 'data-nav="postcode.lookup"' in client.get("/").get_data(as_text=True)


def test_a_user_without_the_permission_gets_403_and_no_menu_item(app, make_user):
    client, _ = new_client(app, make_user)  # no role at all
    response = client.get(PAGE)
    assert response.status_code == 403
    assert 'data-nav="postcode.lookup"' not in response.get_data(as_text=True)
    assert submit(client, BY_POSTCODE, {"postcode": "363800"}, page=PAGE).status_code == 403
    assert lookups() == []


def test_anonymous_callers_are_sent_to_the_login(client):
    assert client.get(PAGE).status_code == 302


def test_the_page_names_its_data_source(login):
    import importlib.metadata

    html = login("agent").get(PAGE).get_data(as_text=True)
    assert f"china-region {importlib.metadata.version('china-region')}" in html


# --- schema ------------------------------------------------------------------------

def test_the_migration_creates_what_the_model_declares_and_uninstall_drops_it(postline_database, postline_databases):
    """On a fresh database of each backend: the plugin's own history builds exactly the
    model's table (no autogenerate difference left) and takes it away again."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from app import create_app
    from app.extensions import db
    from app.pluginhost.migrations import install_plugin, uninstall_plugin, upgrade_all
    from app.testing.pytest_plugin import base_config

    backend = "sqlite" if postline_database.startswith("sqlite") else "postgresql"
    app = create_app(base_config(postline_databases.new(backend), ["postcode"]))
    with app.app_context():
        upgrade_all()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True, "include_object": (
                lambda _obj, name, type_, _reflected, _other: type_ != "table" or name.startswith("postcode_"))})
            assert compare_metadata(context, db.metadata) == []
        uninstall_plugin("postcode")
        assert "postcode_lookup" not in inspect(db.engine).get_table_names()
        install_plugin("postcode")
        assert "postcode_lookup" in inspect(db.engine).get_table_names()
        db.engine.dispose()


# --- reading names (no database) -----------------------------------------------------

@pytest.mark.parametrize("name, expected", [
    ("福建省", "福建"), ("广西壮族自治区", "广西"), ("内蒙古自治区", "内蒙古"), ("北京市", "北京"),
    ("恩施土家族苗族自治州", "恩施"), ("巴音郭楞蒙古自治州", "巴音郭楞"), ("乳源瑶族自治县", "乳源"),
    ("城区", "城区"), ("香港", "香港"),
])
def test_names_lose_their_suffix_but_never_become_one_character(name, expected):
    assert names.core(name) == expected


def test_a_county_name_inside_a_longer_one_is_not_read():
    """安县 (四川) is in the data, but "华安县" names 华安县 only."""
    assert any(r["county"] == "安县" for r in csv_rows())
    assert search.read_names("漳州市华安县")["county"] == {"华安县"}


def test_rows_repeated_with_other_coordinates_are_listed_once():
    raw = [r for r in csv_rows() if r["city"] == "大同市" and r["county"] == "城区"]
    assert len(raw) > 1
    assert len(search.by_names(city="大同", county="城区").best) == 1



def test_the_admin_cannot_set_max_results_to_a_number_the_lookup_cannot_use(login, app):
    admin = login("admin")
    for value in ("0", "-1", "99999999"):
        response = submit(admin, "/admin/plugins/postcode/settings", {"max_results": value})
        assert response.status_code == 200, value
        assert "1" in response.get_data(as_text=True) and "1000" in response.get_data(as_text=True)
    assert get_setting("postcode", "max_results") == 50
    assert submit(admin, "/admin/plugins/postcode/settings", {"max_results": "1000"}).status_code == 302
    assert get_setting("postcode", "max_results") == 1000


def test_the_index_is_built_once_when_many_threads_ask_at_once(monkeypatch):
    reads = []
    read_rows = data.read_rows
    monkeypatch.setattr(data, "read_rows", lambda: reads.append(1) or read_rows())
    data.index.cache_clear()
    start = threading.Barrier(20)
    built = []

    def ask() -> None:
        start.wait()
        built.append(data.index())

    threads = [threading.Thread(target=ask) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(reads) == 1 and len(built) == 20 and all(b is built[0] for b in built)


def test_a_customer_address_gets_its_postcode_from_the_plugin_only_when_the_names_lead_to_one(app):
    from app.pluginhost import first

    answer = first("postline_postcode_for_address", province="福建", city="漳州市", county="华安")
    assert (answer.postcode, answer.place) == ("363800", "福建省漳州市华安县")
    # A county name that several cities have, with no city to tell them apart: no guess.
    counties = defaultdict(set)
    for row in data.index().rows:
        counties[row.county].add(row.postcode)
    shared = next(name for name, codes in counties.items() if len(codes) > 1)
    assert first("postline_postcode_for_address", province="", city="", county=shared) is None
    assert first("postline_postcode_for_address", province="火星", city="", county="") is None
