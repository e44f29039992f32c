"""Postcode lookup, the first business line: agents find the region of a six-digit
postcode and the postcodes of a province, city, county or free address text, from the
county-level data of the ``china-region`` package. Every lookup is counted for a report.

Only hooks live here; the data and matching are in :mod:`.data`, :mod:`.names` and
:mod:`.search`, the page in :mod:`.views`, the report in :mod:`.report`, the IVR node ``postcode.lookup``
and its prompts (place names included) in :mod:`.ivr`."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app import api

from . import (
    ivr,
    models,  # noqa: F401  (puts postcode_lookup into the metadata)
    report,
    search,
    views,
)

STAFF = ("agent", "backoffice", "teamlead", "qa", "manager")
REPORT = "postcode.report"


@api.hookimpl
def postline_permissions() -> list[api.Permission]:
    return [
        api.Permission(views.LOOKUP, _l("Look up postcodes"), roles=STAFF),
        api.Permission(REPORT, _l("Download the postcode lookup report"), roles=("teamlead", "manager")),
    ]


@api.hookimpl
def postline_nav_items() -> list[api.NavItem]:
    return [api.NavItem("postcode.lookup", _l("Postcode lookup"), "postcode.lookup", views.LOOKUP, "desk", 30)]


@api.hookimpl
def postline_blueprints() -> list[api.PluginBlueprint]:
    return [api.PluginBlueprint(views.PLUGIN, views.bp)]


@api.hookimpl
def postline_settings() -> list[api.Setting]:
    return [api.Setting("max_results", _l("Most places listed per lookup"), views.DEFAULT_MAX_RESULTS, kind="int",
                        description=_l("A lookup lists at most this many places."),
                        minimum=1, maximum=views.MOST_RESULTS)]


@api.hookimpl
def postline_reports() -> list[api.Report]:
    return [api.Report("postcode.lookups", _l("Postcode lookup counts"), REPORT, report.build,
                       form_class=report.LookupReportForm,
                       description=_l("Lookups per day, agent and kind, and how many found nothing."))]


@api.hookimpl
def postline_ivr_nodes() -> list[api.IVRNode]:
    return [api.IVRNode(ivr.NODE, _l("Postcode lookup"), ivr.LookupNode, weight=50)]


@api.hookimpl
def postline_prompts() -> list[api.Prompt]:
    return ivr.prompts()


@api.hookimpl
def postline_postcode_for_address(province: str, city: str, county: str) -> api.PostcodeAnswer | None:
    """Answers only when the names lead to one postcode: a guess would be written into the
    customer's address as if it were known."""
    rows = search.by_names(province, city, county).best
    postcodes = {row.postcode for row in rows}
    if len(postcodes) != 1:
        return None
    row = rows[0]
    place = row.province + row.city + ("" if row.is_city_row else row.county)
    return api.PostcodeAnswer(row.postcode, place)
