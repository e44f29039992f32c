"""The period form without the fields a report does not read, so that a manager is never
offered a choice that changes nothing (WTForms drops a field set to ``None`` in a subclass).
The command line takes ``--period`` and ``--queue`` for every report alike; such a report
ignores them."""
from __future__ import annotations

from app.reports.periods import PeriodReportForm


class PeriodOnlyForm(PeriodReportForm):
    """Days and a period to group by; no queue (IVR lines, the public pages)."""

    queue = None


class QueueRangeForm(PeriodReportForm):
    """Days and a queue; the report has one row per agent or group over the whole range."""

    period = None


class RangeForm(PeriodReportForm):
    """Days only: the report fixes its own grouping (per day, or a sheet per period)."""

    period = None
    queue = None
