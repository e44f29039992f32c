"""Months of delivery: when a new subscription starts, an address change takes effect and a
cancellation stops delivery.

The post office makes up each month's delivery lists some days before the month begins:
that is a title's order deadline (``deadline_day``, a day of the month, default 20). What is
asked on or before that day counts from the first of next month; later, from the first of the
month after. The same rule serves orders (订阅), address changes (改寄, "from the next month")
and cancellations (退订), so the three never disagree on a month. Days are the centre's
local days."""
from __future__ import annotations

from datetime import date


def add_months(month: date, count: int) -> date:
    """The first of the month ``count`` months after ``month``'s."""
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def effective_month(today: date, deadline_day: int) -> date:
    """The first month a request made ``today`` can change (see the module's docstring)."""
    return add_months(today.replace(day=1), 1 if today.day <= deadline_day else 2)


def months_between(start: date, end: date) -> int:
    """Whole months from ``start`` to ``end`` (both firsts of months); 0 when end <= start."""
    return max(0, (end.year - start.year) * 12 + end.month - start.month)
