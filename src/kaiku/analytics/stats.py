"""The statistics behind the dashboards, from sums that rollups keep: means with
confidence intervals, shares, NPS. Plain functions over numbers; no Django.

A rollup keeps, per cell, the count n, the sum and the sum of squares of a
measure, so that any set of cells adds up to the same three numbers and the mean
and its interval follow without going back to the responses.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy import stats

LEVEL = 0.95


@dataclass(frozen=True)
class Estimate:
    value: float
    low: float
    high: float
    n: int

    def as_dict(self, digits: int = 3) -> dict:
        return {
            "value": round(self.value, digits),
            "low": round(self.low, digits),
            "high": round(self.high, digits),
            "n": self.n,
        }


def mean_ci(n: int, total: float, total_sq: float, level: float = LEVEL) -> Estimate | None:
    """The mean with a t-interval; None without data. With one value the interval is
    the value itself: there is nothing to say how far it may be off."""
    if n <= 0:
        return None
    mean = total / n
    if n == 1:
        return Estimate(mean, mean, mean, n)
    # Sums of many floats can leave a hair below zero where the spread is none.
    variance = max(0.0, (total_sq - total * total / n) / (n - 1))
    half = stats.t.ppf((1 + level) / 2, n - 1) * math.sqrt(variance / n)
    return Estimate(mean, mean - half, mean + half, n)


def share_ci(hits: int, n: int, level: float = LEVEL) -> Estimate | None:
    """A proportion with Wilson's score interval, which stays inside 0…1 and behaves
    with small n and shares near 0 or 1."""
    if n <= 0:
        return None
    z = stats.norm.ppf((1 + level) / 2)
    p = hits / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return Estimate(p, max(0.0, centre - half), min(1.0, centre + half), n)


def nps_ci(promoters: int, detractors: int, n: int, level: float = LEVEL) -> Estimate | None:
    """Net Promoter Score (−100…100) with a normal interval: each answer counts +1
    (promoter), 0 or −1, so the score is a mean and its variance follows."""
    if n <= 0:
        return None
    p, d = promoters / n, detractors / n
    score = p - d
    variance = p + d - score * score
    z = stats.norm.ppf((1 + level) / 2)
    half = z * math.sqrt(max(0.0, variance) / n)
    return Estimate(
        100 * score, max(-100.0, 100 * (score - half)), min(100.0, 100 * (score + half)), n
    )
