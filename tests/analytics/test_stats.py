import math

import numpy as np
import pytest
from scipy import stats as scipy_stats

from kaiku.analytics import stats


def test_mean_ci_from_sums_is_scipys_t_interval_on_the_values():
    values = np.array([0.8, -0.2, 0.5, 0.1, -0.9, 0.4, 0.3])
    estimate = stats.mean_ci(len(values), values.sum(), (values**2).sum())
    low, high = scipy_stats.t.interval(
        0.95, len(values) - 1, loc=values.mean(), scale=scipy_stats.sem(values)
    )
    assert estimate.value == pytest.approx(values.mean())
    assert (estimate.low, estimate.high) == pytest.approx((low, high))


def test_mean_ci_of_nothing_is_none_and_of_one_value_is_that_value():
    assert stats.mean_ci(0, 0.0, 0.0) is None
    one = stats.mean_ci(1, 0.5, 0.25)
    assert (one.value, one.low, one.high) == (0.5, 0.5, 0.5)


def test_equal_values_give_a_zero_width_interval_despite_rounding():
    values = [0.1] * 1000
    estimate = stats.mean_ci(1000, sum(values), sum(v * v for v in values))
    assert estimate.high - estimate.low == pytest.approx(0.0, abs=1e-6)


def test_share_ci_is_wilsons_interval():
    # Wilson's interval for 8 of 10 (Newcombe 1998, method 3): 0.490–0.943.
    estimate = stats.share_ci(8, 10)
    assert estimate.value == 0.8
    assert (estimate.low, estimate.high) == pytest.approx((0.4902, 0.9433), abs=1e-4)
    assert stats.share_ci(0, 20).low == 0.0


def test_nps_is_promoters_minus_detractors_with_the_normal_interval_of_its_mean():
    answers = np.array([1] * 50 + [0] * 30 + [-1] * 20)  # promoter, passive, detractor
    estimate = stats.nps_ci(50, 20, 100)
    half = 1.959964 * answers.std() / math.sqrt(len(answers))
    assert estimate.value == pytest.approx(30.0)
    assert (estimate.low, estimate.high) == pytest.approx((100 * (0.3 - half), 100 * (0.3 + half)))
