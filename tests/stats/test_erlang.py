"""Erlang C staffing against the classic published worked example.

Source: Call Centre Helper, "Erlang C Formula – Made Simple With an Easy Worked Example"
(inputs: 100 calls per 30 minutes, AHT 180 s, 80 % within 20 s, shrinkage 30 %; it starts from
N = A + 1 = 11 with A = 10 erlangs; those inputs were checked against a stored copy). Its
result is 14 agents with P_w ≈ 17.4 % and SL ≈ 88.8 %; 13 agents give SL ≈ 79.6 %, just under
target. The result figures here were worked out again from the DOMAIN formulas, because the
stored copy stops before the article's results.
"""
from __future__ import annotations

import math

import pytest

from app.stats.erlang import (
    agents_needed,
    average_speed_of_answer,
    erlang_c,
    service_level,
    traffic,
)


def test_classic_example_traffic_and_agents():
    assert traffic(100, 1800, 180) == pytest.approx(10.0)
    s = agents_needed(100, 1800, 180, target_sl=0.8, threshold_s=20)
    assert s.agents == 14
    assert s.scheduled == 14
    assert s.p_wait == pytest.approx(0.1741, abs=5e-4)
    assert s.service_level == pytest.approx(0.888, abs=1e-3)
    assert s.asa_s == pytest.approx(7.8, abs=0.1)
    assert s.occupancy == pytest.approx(10 / 14)


def test_thirteen_agents_miss_the_target():
    assert erlang_c(13, 10.0) == pytest.approx(0.2853, abs=5e-4)
    assert service_level(13, 10.0, 180, 20) == pytest.approx(0.796, abs=1e-3)
    assert average_speed_of_answer(13, 10.0, 180) == pytest.approx(17.1, abs=0.1)


def test_asa_target_can_need_more_agents():
    s = agents_needed(100, 1800, 180, target_sl=0.8, threshold_s=20, target_asa_s=5)
    assert s.agents == 15
    assert s.asa_s <= 5


def test_shrinkage_rounds_up_scheduled_agents():
    s = agents_needed(100, 1800, 180, target_sl=0.8, threshold_s=20, shrinkage=0.3)
    assert s.agents == 14
    assert s.scheduled == 20          # 14 / 0.7 = 20 exactly, not 21


def test_zero_calls_need_no_agents():
    s = agents_needed(0, 1800, 180, target_sl=0.8, threshold_s=20, shrinkage=0.3)
    assert (s.agents, s.scheduled) == (0, 0)


def test_large_traffic_stays_finite():
    s = agents_needed(19000, 1800, 90, target_sl=0.8, threshold_s=20)   # A = 950
    assert 950 < s.agents < 1000
    assert math.isfinite(s.p_wait) and 0 < s.p_wait < 1
    assert 0 < erlang_c(1000, 950.0) < 1


def test_too_few_agents_means_everyone_waits():
    assert erlang_c(10, 10.0) == 1.0
    assert service_level(9, 10.0, 180, 20) == 0.0


@pytest.mark.parametrize("kwargs", [
    {"aht_s": 0},
    {"target_sl": 1.5},
    {"target_sl": -0.1},
    {"shrinkage": 1.0},
    {"interval_s": 0},
])
def test_bad_input_raises(kwargs):
    args = {"calls": 100, "interval_s": 1800, "aht_s": 180, "target_sl": 0.8, "threshold_s": 20}
    args.update(kwargs)
    with pytest.raises(ValueError):
        agents_needed(**args)
