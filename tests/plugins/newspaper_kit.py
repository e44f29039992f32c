"""Constants the newspaper tests share (their fixtures are in this folder's conftest.py)."""
from __future__ import annotations

from datetime import date

#: "Today" of :func:`newspaper_today`: before the 20th's order deadline, so orders start 2027-01-01.
DAY = date(2026, 12, 10)
#: The PIN of the ``paper_subscriber`` fixture.
PIN = "246810"
#: The simulator's default caller, the ``paper_subscriber``'s phone.
CALLER = "13800000001"
