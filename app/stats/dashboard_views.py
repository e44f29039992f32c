"""``/stats/dashboard``: the manager's charts for a chosen day (a GET form; a bad date is a
message, not a 500)."""
from __future__ import annotations

from flask import render_template, request

from app.auth.permissions import permission_required
from app.stats import dashboard
from app.stats.forms import DashboardForm
from app.stats.views import VIEW, bp
from app.timeutil import centre_today


@bp.route("/dashboard")
@permission_required(VIEW)
def dashboard_page() -> tuple[str, int] | str:
    form = DashboardForm(formdata=request.args if request.args else None)
    if request.args and not form.validate():
        return render_template("stats/dashboard.html", form=form, charts=[], day=None), 400
    day = form.day.data or centre_today()
    return render_template("stats/dashboard.html", form=form, charts=dashboard.charts(day), day=day,
                           trend_days=dashboard.TREND_DAYS)
