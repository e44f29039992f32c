"""The staffing forecast page: a GET form (nothing changes, so no CSRF), a chart of the
agents to schedule per half-hour for the chosen weekdays, and the weekday × half-hour
table; its "Download" button posts the values shown to the ``forecast`` report."""
from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import gettext as _

from app.auth.permissions import permission_required
from app.stats.charts import Chart, Series
from app.stats.forecast import SLOTS, Slot
from app.stats.forecast_excel import describe, run, settings
from app.stats.forms import WEEKDAY_NAMES, ForecastForm

bp = Blueprint("stats", __name__, url_prefix="/stats", template_folder="templates")

VIEW = "stats.view"
WALLBOARD = "stats.wallboard"


@bp.route("/forecast")
@permission_required(VIEW)
def forecast_page() -> tuple[str, int] | str:
    form = ForecastForm(formdata=request.args if request.args else None)
    if request.args and not form.validate():
        return render_template("stats/forecast.html", form=form, table=None, chart=None), 400
    if not form.weekdays.data:
        form.weekdays.data = list(range(1, 8))   # none ticked: every day, and the boxes say so
    chosen = settings(form.data)
    slots = run(chosen)
    days = chosen["weekdays"]
    table = [[s for s in slots if s.slot == index and s.weekday in days] for index in range(SLOTS)]
    return render_template("stats/forecast.html", form=form, table=table, chart=_chart(slots, days),
                           days=[str(WEEKDAY_NAMES[d - 1]) for d in days], weekdays=days,
                           note=describe(chosen))


def _chart(slots: list[Slot], days: list[int]) -> Chart:
    series = [Series(str(WEEKDAY_NAMES[d - 1]), [s.staffing.scheduled for s in slots if s.weekday == d],
                     "line") for d in days]
    labels = [s.label for s in slots if s.weekday == 1]
    return Chart("forecast", _("Agents to schedule per half-hour"), labels, series, axis_label=_("Agents"))
