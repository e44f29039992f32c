"""The staffing forecast page: a GET form (nothing changes, so no CSRF) and a weekday ×
half-hour table of the agents to schedule."""
from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import gettext as _

from app.auth.permissions import permission_required
from app.stats.forecast import SLOTS, forecast

bp = Blueprint("stats", __name__, url_prefix="/stats", template_folder="templates")

VIEW = "stats.view"


def _labels() -> dict[str, str]:
    return {"weeks": _("Weeks"), "sl": _("Service level target (percent)"),
            "threshold": _("Answered within (s)"), "shrinkage": _("Shrinkage (percent)")}


def _number(name: str, default: float, low: float, high: float, errors: list[str]) -> float:
    text = request.args.get(name, "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        errors.append(_("%(field)s must be between %(low)s and %(high)s.", field=_labels()[name], low=f"{low:g}",
                        high=f"{high:g}"))
        return default
    return value


@bp.route("/forecast")
@permission_required(VIEW)
def forecast_page() -> tuple[str, int] | str:
    errors: list[str] = []
    weeks = int(_number("weeks", 4, 1, 52, errors))
    target = _number("sl", 80, 1, 99, errors)
    threshold = _number("threshold", 20, 0, 3600, errors)
    shrinkage = _number("shrinkage", 30, 0, 90, errors)
    params = {"weeks": weeks, "sl": target, "threshold": threshold, "shrinkage": shrinkage}
    if errors:
        return render_template("stats/forecast.html", errors=errors, params=params, table=None), 400
    slots = forecast(weeks=weeks, target_sl=target / 100, threshold_s=threshold, shrinkage=shrinkage / 100)
    table = [[s for s in slots if s.slot == index] for index in range(SLOTS)]
    return render_template("stats/forecast.html", errors=[], params=params, table=table)
