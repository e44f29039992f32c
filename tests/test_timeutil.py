"""Detail exports turn every stored UTC time into the centre's time; the fast clock they
use must agree with the plain conversion, summer-time changes included."""
from __future__ import annotations

from datetime import datetime, timedelta

from app import create_app
from app.stats.hours import local_hour
from app.timeutil import LocalClock, local


def test_local_clock_agrees_with_the_zone_across_a_summer_time_change():
    app = create_app({"DATABASE_URL": "sqlite://", "SECRET_KEY": "x", "TESTING": True, "PLUGINS": "",
                      "TIMEZONE": "Europe/Berlin"})
    with app.app_context():
        clock = LocalClock()
        start = datetime(2026, 3, 29, 0, 0)      # 01:00 UTC: clocks go from 02:00 to 03:00
        for minutes in range(0, 180, 7):
            at = start + timedelta(minutes=minutes)
            assert clock(at) == local(at).replace(tzinfo=None), at
            assert clock.hour(at) == local_hour(at), at
        assert clock(datetime(2026, 3, 29, 0, 59)).hour == 1
        assert clock(datetime(2026, 3, 29, 1, 0)).hour == 3
