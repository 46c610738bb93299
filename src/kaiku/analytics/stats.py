"""The statistics behind the dashboards: means with confidence intervals, shares and
NPS from the sums that rollups keep; drivers (Shapley shares of R²) and standardised
regressions from rows. Plain functions over numbers; no Django.

A rollup keeps, per cell, the count n, the sum and the sum of squares of a
measure, so that any set of cells adds up to the same three numbers and the mean
and its interval follow without going back to the responses.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

LEVEL = 0.95


# A map asks for hundreds of intervals and SciPy's quantile functions cost a fraction
# of a millisecond each: the critical values are remembered.
@functools.lru_cache(maxsize=4096)
def _t(df: int, level: float) -> float:
    return float(stats.t.ppf((1 + level) / 2, df))


@functools.lru_cache(maxsize=16)
def _z(level: float) -> float:
    return float(stats.norm.ppf((1 + level) / 2))


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
    half = _t(n - 1, level) * math.sqrt(variance / n)
    return Estimate(mean, mean - half, mean + half, n)


def share_ci(hits: int, n: int, level: float = LEVEL) -> Estimate | None:
    """A proportion with Wilson's score interval, which stays inside 0…1 and behaves
    with small n and shares near 0 or 1."""
    if n <= 0:
        return None
    z = _z(level)
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
    half = _z(level) * math.sqrt(max(0.0, variance) / n)
    return Estimate(
        100 * score, max(-100.0, 100 * (score - half)), min(100.0, 100 * (score + half)), n
    )


# Regression and drivers ---------------------------------------------------------


def r_squared(corr: np.ndarray, predictors: Sequence[int], outcome: int) -> float:
    """R² of the least-squares fit of `outcome` on `predictors`, from a correlation
    matrix: r' R⁻¹ r. A set of predictors that is singular gives its best fit."""
    if not predictors:
        return 0.0
    rxx = corr[np.ix_(predictors, predictors)]
    rxy = corr[predictors, outcome]
    return float(rxy @ np.linalg.pinv(rxx) @ rxy)


def shapley_r2(corr: np.ndarray, predictors: Sequence[int], outcome: int) -> np.ndarray:
    """Each predictor's Shapley share of R²: its gain in R² when added, averaged over
    every order in which the predictors could enter. The shares add up to the full
    model's R², and do not depend on the order the predictors are listed in."""
    return shapley_r2_many(corr[None, :, :], predictors, outcome)[0]


def shapley_r2_many(corrs: np.ndarray, predictors: Sequence[int], outcome: int) -> np.ndarray:
    """shapley_r2 for a stack of correlation matrices (bootstrap resamples) at once."""
    p = len(predictors)
    fits: dict[tuple[int, ...], np.ndarray] = {(): np.zeros(len(corrs))}
    for size in range(1, p + 1):
        for subset in itertools.combinations(range(p), size):
            chosen = [predictors[i] for i in subset]
            rxx = corrs[:, chosen][:, :, chosen]
            rxy = corrs[:, chosen, outcome]
            beta = np.einsum("bij,bj->bi", np.linalg.pinv(rxx), rxy)
            fits[subset] = np.einsum("bi,bi->b", rxy, beta)
    shares = np.zeros((len(corrs), p))
    for j in range(p):
        others = [i for i in range(p) if i != j]
        for size in range(p):
            weight = math.factorial(size) * math.factorial(p - size - 1) / math.factorial(p)
            for subset in itertools.combinations(others, size):
                with_j = tuple(sorted((*subset, j)))
                shares[:, j] += weight * (fits[with_j] - fits[subset])
    return shares


@dataclass(frozen=True)
class Drivers:
    names: tuple[str, ...]
    r2: Estimate
    shares: dict[str, Estimate]  # of R², each 0…1, adding up to 1


def drivers(
    data: np.ndarray,
    names: Sequence[str],
    resamples: int = 200,
    level: float = LEVEL,
    seed: int = 0,
) -> Drivers | None:
    """How much of the outcome (the last column) each predictor (the others)
    explains: Shapley shares of R² as parts of the whole, with percentile intervals
    from a Poisson bootstrap. None when there are too few rows or nothing varies."""
    n, columns = data.shape
    if n < columns + 2:
        return None
    predictors, outcome = list(range(columns - 1)), columns - 1

    if np.any(data.std(axis=0) == 0):
        return None
    shares = shapley_r2(np.corrcoef(data, rowvar=False), predictors, outcome)
    total = float(shares.sum())
    if total <= 0:
        return None
    shares = shares / total
    low_q, high_q = (1 - level) / 2 * 100, (1 + level) / 2 * 100
    corrs = _bootstrap_correlations(data, resamples, np.random.default_rng(seed))
    if len(corrs):
        many = shapley_r2_many(corrs, predictors, outcome)
        totals = many.sum(axis=1)
        usable = totals > 0
        parts = many[usable] / totals[usable, None]
    else:
        totals, parts = np.array([total]), shares[None, :]
    lows, highs = np.percentile(parts, [low_q, high_q], axis=0)
    r2_low, r2_high = np.percentile(totals, [low_q, high_q])
    return Drivers(
        names=tuple(names[:-1]),
        r2=Estimate(total, float(r2_low), float(r2_high), n),
        shares={
            name: Estimate(float(shares[i]), float(lows[i]), float(highs[i]), n)
            for i, name in enumerate(names[:-1])
        },
    )


def _bootstrap_correlations(
    data: np.ndarray, resamples: int, rng: np.random.Generator
) -> np.ndarray:
    """Correlation matrices of Poisson-bootstrap resamples: each row is drawn a
    Poisson(1) number of times, which for hundreds of rows or more behaves like
    drawing n rows with replacement, and lets every resample's weighted moments
    come from two matrix products."""
    n, k = data.shape
    if resamples <= 0:
        return np.empty((0, k, k))
    weights = rng.poisson(1.0, size=(resamples, n)).astype(float)
    totals = weights.sum(axis=1, keepdims=True)
    means = weights @ data / totals
    products = weights @ np.einsum("ij,ik->ijk", data, data).reshape(n, k * k) / totals
    covariances = products.reshape(-1, k, k) - np.einsum("bi,bj->bij", means, means)
    sd = np.sqrt(np.clip(np.einsum("bii->bi", covariances), 0, None))
    keep = np.all(sd > 0, axis=1)
    return covariances[keep] / np.einsum("bi,bj->bij", sd[keep], sd[keep])


@dataclass(frozen=True)
class Fit:
    """An ordinary least-squares fit with standardised coefficients."""

    names: tuple[str, ...]
    coefficients: dict[str, Estimate]  # in standard deviations of the outcome per SD
    r2: float
    n: int


def standardised_ols(data: np.ndarray, names: Sequence[str], level: float = LEVEL) -> Fit | None:
    """The outcome (last column) on the predictors, all standardised, with t-intervals
    from the classical standard errors. None when too few rows or nothing varies."""
    n, columns = data.shape
    k = columns - 1
    if n < k + 3:
        return None
    sd = data.std(axis=0, ddof=1)
    if np.any(sd == 0):
        return None
    z = (data - data.mean(axis=0)) / sd
    x = np.column_stack([np.ones(n), z[:, :k]])
    y = z[:, k]
    beta, *_ = np.linalg.lstsq(x, y, rcond=None)
    residuals = y - x @ beta
    dof = n - k - 1
    sigma2 = float(residuals @ residuals) / dof
    covariance = sigma2 * np.linalg.pinv(x.T @ x)
    half = _t(dof, level) * np.sqrt(np.diag(covariance))
    r2 = 1 - float(residuals @ residuals) / float(y @ y)
    return Fit(
        names=tuple(names[:k]),
        coefficients={
            name: Estimate(
                float(beta[i + 1]),
                float(beta[i + 1] - half[i + 1]),
                float(beta[i + 1] + half[i + 1]),
                n,
            )
            for i, name in enumerate(names[:k])
        },
        r2=r2,
        n=n,
    )


def mean_difference(
    a: tuple[int, float, float], b: tuple[int, float, float], level: float = LEVEL
) -> Estimate | None:
    """Mean of a minus mean of b, each given as (n, sum, sum of squares), with
    Welch's interval (no equal variances assumed)."""
    (n1, s1, q1), (n2, s2, q2) = a, b
    if n1 < 2 or n2 < 2:
        return None
    m1, m2 = s1 / n1, s2 / n2
    v1 = max(0.0, (q1 - s1 * s1 / n1) / (n1 - 1)) / n1
    v2 = max(0.0, (q2 - s2 * s2 / n2) / (n2 - 1)) / n2
    if v1 + v2 == 0:
        return Estimate(m1 - m2, m1 - m2, m1 - m2, n1 + n2)
    dof = (v1 + v2) ** 2 / (v1 * v1 / (n1 - 1) + v2 * v2 / (n2 - 1))
    half = float(stats.t.ppf((1 + level) / 2, dof)) * math.sqrt(v1 + v2)
    return Estimate(m1 - m2, m1 - m2 - half, m1 - m2 + half, n1 + n2)


# Comparing two groups -------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    difference: Estimate  # a minus b
    p_value: float
    effect: float  # Cohen's d for means, Cohen's h for shares


def compare_means(
    a: tuple[int, float, float], b: tuple[int, float, float], level: float = LEVEL
) -> Comparison | None:
    """Welch's t-test on two means given as (n, sum, sum of squares), with Cohen's d
    (the difference over the pooled standard deviation)."""
    difference = mean_difference(a, b, level)
    if difference is None:
        return None
    (n1, s1, q1), (n2, s2, q2) = a, b
    v1 = max(0.0, (q1 - s1 * s1 / n1) / (n1 - 1))
    v2 = max(0.0, (q2 - s2 * s2 / n2) / (n2 - 1))
    se = math.sqrt(v1 / n1 + v2 / n2)
    if se == 0:
        p = 1.0 if difference.value == 0 else 0.0
    else:
        dof = (v1 / n1 + v2 / n2) ** 2 / ((v1 / n1) ** 2 / (n1 - 1) + (v2 / n2) ** 2 / (n2 - 1))
        p = float(2 * stats.t.sf(abs(difference.value) / se, dof))
    pooled = math.sqrt(((n1 - 1) * v1 + (n2 - 1) * v2) / (n1 + n2 - 2))
    return Comparison(difference, p, difference.value / pooled if pooled else 0.0)


def compare_shares(
    hits_a: int, n_a: int, hits_b: int, n_b: int, level: float = LEVEL
) -> Comparison | None:
    """Two proportions: the difference with Newcombe's interval (from the two Wilson
    intervals), the pooled z-test's p, and Cohen's h."""
    first, second = share_ci(hits_a, n_a, level), share_ci(hits_b, n_b, level)
    if first is None or second is None:
        return None
    d = first.value - second.value
    low = d - math.sqrt((first.value - first.low) ** 2 + (second.high - second.value) ** 2)
    high = d + math.sqrt((first.high - first.value) ** 2 + (second.value - second.low) ** 2)
    pooled = (hits_a + hits_b) / (n_a + n_b)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
    p = float(2 * stats.norm.sf(abs(d) / se)) if se else (1.0 if d == 0 else 0.0)
    h = 2 * math.asin(math.sqrt(first.value)) - 2 * math.asin(math.sqrt(second.value))
    return Comparison(Estimate(d, low, high, n_a + n_b), p, h)


def compare_nps(
    a: tuple[int, int, int], b: tuple[int, int, int], level: float = LEVEL
) -> Comparison | None:
    """Two NPS given as (promoters, detractors, n): each answer scores +1, 0 or −1, so
    NPS is 100 × a mean and the two are compared as means (Welch)."""
    (pa, da, na), (pb, db, nb) = a, b
    found = compare_means((na, pa - da, pa + da), (nb, pb - db, pb + db), level)
    if found is None:
        return None
    e = found.difference
    return Comparison(
        Estimate(100 * e.value, 100 * e.low, 100 * e.high, e.n), found.p_value, found.effect
    )
