"""Routing by the caller's region (``core.region``): the province and city of an area code
or a mobile prefix, through the simulator and the FastAGI server, on the real database.
The place of each number below is public numbering-plan fact (010 is Beijing, 0591 Fuzhou,
0592 Xiamen, 0771 is shared by Nanning and Chongzuo; 138 0013 is a Beijing mobile block)."""
from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
from flask import current_app
from sqlalchemy import select

from app.calendars.models import BusinessCalendar
from app.calls.models import CallRecord
from app.extensions import db
from app.ivr import flows
from app.ivr.models import IVRFlow, IVRLine
from app.ivr.regions import UNKNOWN, region_of, split_label
from app.ivr.simulator import simulate
from app.ivr.web.texts import PROBLEM_MESSAGES

MONDAY_10H = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)

REGIONAL = {"title": "regional", "start": "region", "steps": [
    {"id": "region", "type": "core.region",
     "next": {"福州": "fuzhou", "福建省": "fujian", "广西": "guangxi", "other": "national"}},
    {"id": "fuzhou", "type": "core.transfer", "params": {"queue": "fz"}},
    {"id": "fujian", "type": "core.transfer", "params": {"queue": "fj"}},
    {"id": "guangxi", "type": "core.transfer", "params": {"queue": "gx"}},
    {"id": "national", "type": "core.transfer", "params": {"queue": "all"}},
]}


# --- the numbers ---------------------------------------------------------------------------

@pytest.mark.parametrize("number, province, city", [
    ("01062345678", "北京市", "北京市"),
    ("02162345678", "上海市", "上海市"),
    ("059187654321", "福建省", "福州市"),
    ("+8659187654321", "福建省", "福州市"),
    ("008659187654321", "福建省", "福州市"),
    ("05922345678", "福建省", "厦门市"),
    ("075512345678", "广东省", "深圳市"),
    ("04716123456", "内蒙古自治区", "呼和浩特市"),
    ("13800138000", "北京市", "北京市"),
    ("013800138000", "北京市", "北京市"),
    ("+8613800138000", "北京市", "北京市"),
])
def test_the_region_of_area_codes_and_mobile_prefixes(number, province, city):
    region = region_of(number)
    assert (region.province, region.city) == (province, city)


def test_an_area_code_of_several_cities_tells_the_province_only():
    region = region_of("07713123456")
    assert (region.province, region.city) == ("广西壮族自治区", "")
    assert "南宁市" in region.label and "崇左市" in region.label


def test_a_local_number_is_the_centres_own_city():
    assert region_of("87654321") == UNKNOWN
    assert (region_of("87654321", "591").province, region_of("87654321", "0591").city) == ("福建省", "福州市")


@pytest.mark.parametrize("number", ["", "anonymous", "unknown", "12329", "11185", "+12025550100", "123"])
def test_withheld_service_and_foreign_numbers_have_no_region(number):
    assert region_of(number) == UNKNOWN


def test_hong_kong_is_its_own_region():
    assert region_of("+85223456789").province == "香港特别行政区"


def test_the_geocoders_short_forms_are_read_as_the_province():
    assert split_label("西藏拉萨市").province == "西藏自治区"
    assert split_label("宁夏银川市").city == "银川市"
    assert split_label("中国") == UNKNOWN


# --- the node in a flow ------------------------------------------------------------------

def route(app, caller: str):
    return simulate(app, REGIONAL, [], caller=caller, now=MONDAY_10H, dry_run=False)


@pytest.mark.parametrize("caller, queue", [
    ("059187654321", "fz"),        # the city wins over its province
    ("05922345678", "fj"),         # the rest of the province
    ("07713123456", "gx"),         # a shared area code still names its province
    ("13800138000", "all"),        # another province
    ("anonymous", "all"),          # withheld
    ("+12025550100", "all"),       # abroad
])
def test_callers_go_to_their_regions_queue_and_the_rest_to_the_default(app, caller, queue):
    assert route(app, caller).variables["POSTLINE_QUEUE"] == queue


def test_a_local_number_follows_the_centres_area_code(app):
    current_app.config["LOCAL_AREA_CODE"] = "591"
    assert route(app, "87654321").variables["POSTLINE_QUEUE"] == "fz"


def test_the_call_record_keeps_where_the_caller_called_from(app):
    route(app, "05922345678")
    route(app, "anonymous")
    db.session.expire_all()
    first, second = db.session.scalars(select(CallRecord).order_by(CallRecord.id))
    assert json.loads(first.data)["caller.region"] == "福建省厦门市"
    assert json.loads(second.data)["caller.region"] == ""


def problems(definition) -> list[tuple[str, str, dict]]:
    return [(p.step, p.code, p.args) for p in flows.validate_here(definition)]


def test_a_region_step_needs_its_default(app):
    definition = json.loads(json.dumps(REGIONAL))
    del definition["steps"][0]["next"]["other"]
    assert ("region", "unwired_outcome", {"outcome": "other"}) in problems(definition)


def test_region_names_must_be_chinese_place_names(app):
    definition = json.loads(json.dumps(REGIONAL))
    definition["steps"][0]["next"]["Fujian"] = "fujian"
    assert ("region", "bad_region", {"outcome": "Fujian"}) in problems(definition)
    assert "bad_region" in PROBLEM_MESSAGES
    assert problems(REGIONAL) == []


def test_over_agi_the_caller_reaches_the_regional_queue(app, agi_server):
    flows.save_version("regional", REGIONAL)
    flow_id = db.session.scalar(select(IVRFlow.id).where(IVRFlow.name == "regional"))
    db.session.add(IVRLine(number="11185", name="11185", queue="11185", flow_id=flow_id,
                           calendar=BusinessCalendar(name="always", hours="{}")))
    db.session.commit()
    server = agi_server(app=app)
    transcript = server.call("ivr?line=11185", env={"agi_callerid": "059187654321"})
    assert transcript.ok, transcript.failures
    assert transcript.variables["POSTLINE_QUEUE"] == "fz"
