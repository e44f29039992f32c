"""The agent's lookup page (mounted under /p/postcode). Both forms sit on one page so an
agent answering a call never has to look for the other one; each posts to its own URL."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template
from wtforms import Field

from app import api

from . import search
from .data import index, source
from .forms import PostcodeForm, RegionForm
from .models import record_lookup

PLUGIN = "postcode"
LOOKUP = "postcode.lookup"
DEFAULT_MAX_RESULTS = 50
MOST_RESULTS = 1000  # the setting's maximum: more would not be read on one page

bp = Blueprint(PLUGIN, __name__, template_folder="templates")


@bp.route("/")
@api.permission_required(LOOKUP)
def lookup() -> str:
    return _page(PostcodeForm(), RegionForm(), focus="postcode")


@bp.route("/postcode", methods=["POST"])
@api.permission_required(LOOKUP)
def by_postcode() -> tuple[str, int]:
    form = PostcodeForm()
    if not form.validate_on_submit():
        return _page(form, RegionForm(formdata=None), focus="postcode"), 400
    result = search.by_postcode(form.postcode.data)
    count("postcode", form.postcode.data, len(result.exact))
    limit = max_results()
    return _page(form, RegionForm(formdata=None), focus="postcode", postcode_result=result,
                 exact=result.exact[:limit], nearby=result.nearby[:limit]), 200


@bp.route("/region", methods=["POST"])
@api.permission_required(LOOKUP)
def by_region() -> tuple[str, int]:
    form = RegionForm()
    if not form.validate_on_submit():
        return _page(PostcodeForm(formdata=None), form, focus=_region_focus(form)), 400
    if form.address.data:
        kind, query = "address", form.address.data
        result = search.in_text(query)
    else:
        kind = "region"
        query = " / ".join(f.data for f in (form.province, form.city, form.county) if f.data)
        result = search.by_names(form.province.data, form.city.data, form.county.data)
    count(kind, query, result.total)
    limit = max_results()
    best = result.best[:limit]
    return _page(PostcodeForm(formdata=None), form, focus=_region_focus(form),
                 region_result=result, query=query, best=best,
                 others=result.others[:limit - len(best)]), 200


def _region_focus(form: RegionForm) -> str:
    return "address" if form.address.data else "province"


def _page(code_form: PostcodeForm, region_form: RegionForm, focus: str, **context: Any) -> str:
    _autofocus(code_form.postcode if focus == "postcode" else region_form[focus])
    return render_template("postcode/lookup.html", code_form=code_form, region_form=region_form,
                           source=source(), data_rows=len(index().rows), **context)


def _autofocus(field: Field) -> None:
    """A new dict: ``render_kw`` is shared by every instance of the form class."""
    field.render_kw = {**(field.render_kw or {}), "autofocus": True}


def max_results() -> int:
    """The admin's setting, never below 1 (0 would hide every answer)."""
    try:
        return max(1, int(api.get_setting(PLUGIN, "max_results")))
    except (TypeError, ValueError):
        return DEFAULT_MAX_RESULTS


def count(kind: str, query: str, result_count: int) -> None:
    """Every lookup leaves a row for the lookup-count report."""
    user = api.current_user
    record_lookup(kind, query, result_count, user.id if user.is_authenticated else None)
