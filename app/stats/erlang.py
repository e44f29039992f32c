"""Erlang C staffing (DOMAIN formulas): how many agents a half-hour needs for a service level.

Pure functions, no database. P_w is computed from the Erlang B recursion
B(0)=1, B(k)=A·B(k−1)/(k+A·B(k−1)) and C = N·B/(N−A·(1−B)), which never forms A^N or N!,
so it stays finite for N up to (and well past) 1000.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

MAX_AGENTS = 100_000


def traffic(calls: float, interval_s: float, aht_s: float) -> float:
    """Offered traffic A in erlangs: arrival rate λ (calls per second) times AHT."""
    if interval_s <= 0:
        raise ValueError("interval must be positive")
    if aht_s <= 0:
        raise ValueError("AHT must be positive")
    if calls < 0:
        raise ValueError("calls must not be negative")
    return calls / interval_s * aht_s


def erlang_b(agents: int, a: float) -> float:
    """Blocking probability of Erlang B, by the stable recursion."""
    b = 1.0
    for k in range(1, agents + 1):
        b = a * b / (k + a * b)
    return b


def erlang_c(agents: int, a: float) -> float:
    """P_w: probability that a call waits; 1.0 when N ≤ A (the queue grows without bound)."""
    if agents <= a:
        return 1.0
    b = erlang_b(agents, a)
    return agents * b / (agents - a * (1 - b))


def service_level(agents: int, a: float, aht_s: float, threshold_s: float) -> float:
    """SL(t) = 1 − P_w·e^{−(N−A)·t/AHT}: share of calls answered within ``threshold_s``."""
    if agents <= a:
        return 0.0
    return 1.0 - erlang_c(agents, a) * math.exp(-(agents - a) * threshold_s / aht_s)


def average_speed_of_answer(agents: int, a: float, aht_s: float) -> float:
    """ASA = P_w·AHT/(N−A) in seconds; infinite when N ≤ A."""
    if agents <= a:
        return math.inf
    return erlang_c(agents, a) * aht_s / (agents - a)


@dataclass(frozen=True)
class Staffing:
    """The answer for one interval: agents on the phones (raw) and scheduled (with shrinkage)."""

    traffic: float
    agents: int
    scheduled: int
    service_level: float
    asa_s: float
    occupancy: float
    p_wait: float


def agents_needed(
    calls: float,
    interval_s: float,
    aht_s: float,
    target_sl: float,
    threshold_s: float,
    target_asa_s: float | None = None,
    shrinkage: float = 0.0,
) -> Staffing:
    """Smallest N > A meeting the SL target (and the ASA target when given), then
    ceil(N/(1−shrinkage)) for the agents who must be scheduled to have N on the phones."""
    a = traffic(calls, interval_s, aht_s)
    if not 0.0 <= target_sl <= 1.0:
        raise ValueError("service level target must be between 0 and 1")
    if not 0.0 <= shrinkage < 1.0:
        raise ValueError("shrinkage must be at least 0 and below 1")
    if threshold_s < 0:
        raise ValueError("threshold must not be negative")
    if target_asa_s is not None and target_asa_s < 0:
        raise ValueError("ASA target must not be negative")
    if a == 0:
        return Staffing(0.0, 0, 0, 1.0, 0.0, 0.0, 0.0)
    n = math.floor(a) + 1
    while n < MAX_AGENTS:
        sl = service_level(n, a, aht_s, threshold_s)
        asa = average_speed_of_answer(n, a, aht_s)
        if sl >= target_sl and (target_asa_s is None or asa <= target_asa_s):
            break
        n += 1
    scheduled = math.ceil(n / (1.0 - shrinkage) - 1e-9)
    return Staffing(a, n, scheduled, sl, asa, a / n, erlang_c(n, a))
