"""The manager's dashboard: four charts of a chosen day (today by default) and the 30 days
up to it, every number from the same roll-ups and work orders the reports count.

- volume by hour: the day's calls (a call moved through two queues counts once) against
  the average of the same weekday in the four weeks before;
- 接通率 trend: answered / received per day over the 30 days;
- abandon-time distribution: how long callers waited before hanging up, in the bands the
  roll-ups keep (:data:`app.stats.models.ABANDON_BANDS`), over the 30 days;
- top complaint categories: complaints registered in the 30 days (merged duplicates left
  out), the ten most frequent categories."""
from __future__ import annotations

from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.extensions import db
from app.stats.charts import Chart, Series
from app.stats.metrics import QueueFigures, by_period, queue_figures, total
from app.stats.models import ABANDON_BANDS
from app.tickets.categories import category_labels
from app.tickets.kinds import COMPLAINT
from app.tickets.models import WorkOrder
from app.timeutil import within_days

TREND_DAYS = 30
COMPARE_WEEKS = 4
TOP_CATEGORIES = 10


def charts(day: date) -> list[Chart]:
    first = day - timedelta(days=TREND_DAYS - 1)
    return [volume_by_hour(day), answer_rate_trend(first, day), abandon_distribution(first, day),
            top_complaints(first, day)]


def _calls_by_hour(day: date) -> list[int]:
    hours = [0] * 24
    for hour, _queue, figures in queue_figures(day, day, "hour_of_day"):
        hours[hour] += figures.calls
    return hours


def volume_by_hour(day: date) -> Chart:
    chosen = _calls_by_hour(day)
    before = [_calls_by_hour(day - timedelta(weeks=n)) for n in range(1, COMPARE_WEEKS + 1)]
    average = [round(sum(week[h] for week in before) / COMPARE_WEEKS, 2) for h in range(24)]
    return Chart("volume", _("Calls by hour"), [f"{h:02d}:00" for h in range(24)],
                 [Series(_("Calls on %(day)s", day=day.isoformat()), chosen),
                  Series(_("Average of the previous %(n)d same weekdays", n=COMPARE_WEEKS), average, "line")],
                 axis_label=_("Calls"))


def answer_rate_trend(first: date, last: date) -> Chart:
    by_day = by_period(queue_figures(first, last, "day"))
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    return Chart("answer-rate", _("Answer rate (接通率) by day"), [d.strftime("%m-%d") for d in days],
                 [Series(_("Answer rate"), [_rounded(by_day[d].answer_rate) if d in by_day else None
                                            for d in days], "line"),
                  Series(_("Service level"), [_rounded(by_day[d].service_level) if d in by_day else None
                                              for d in days], "line")],
                 percent=True)


def abandon_distribution(first: date, last: date) -> Chart:
    whole: QueueFigures = total(f for _k, _q, f in queue_figures(first, last, "all")) or QueueFigures()
    within = [getattr(whole, f"abandoned_{edge}") for edge in ABANDON_BANDS]
    counts = [within[0]] + [within[i] - within[i - 1] for i in range(1, len(within))]
    counts.append(whole.abandoned - within[-1])
    labels = [_("%(low)d–%(high)d s", low=low, high=high)
              for low, high in zip((0,) + tuple(e + 1 for e in ABANDON_BANDS), ABANDON_BANDS)]
    labels.append(_("over %(edge)d s", edge=ABANDON_BANDS[-1]))
    return Chart("abandon", _("Abandoned calls by time waited"), labels,
                 [Series(_("Abandoned calls"), counts)],
                 axis_label=_("Calls"))


def top_complaints(first: date, last: date) -> Chart:
    count = func.count(WorkOrder.id)
    stmt = (select(WorkOrder.category_id, count)
            .where(WorkOrder.type_code == COMPLAINT, WorkOrder.merged_into_id.is_(None),
                   *within_days(WorkOrder.created_at, first, last))
            .group_by(WorkOrder.category_id))
    labels = category_labels()
    ranked = sorted(((labels.get(category, labels[None]), n) for category, n in db.session.execute(stmt)),
                    key=lambda pair: (-pair[1], pair[0]))
    rows = ranked[:TOP_CATEGORIES]
    return Chart("complaints", _("Top complaint categories"), [label for label, _n in rows],
                 [Series(_("Complaints"), [n for _label, n in rows])], axis_label=_("Complaints"))


def _rounded(rate: float | None) -> float | None:
    return None if rate is None else round(rate, 4)
