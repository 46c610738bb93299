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


def _data(n: int = 400, seed: int = 3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x1 = rng.normal(size=n)
    x2 = 0.5 * x1 + rng.normal(size=n)
    x3 = rng.normal(size=n)
    y = 2 * x1 + 0.7 * x2 + rng.normal(scale=1.5, size=n)
    return np.column_stack([x1, x2, x3, y])


def test_r_squared_from_correlations_is_the_least_squares_fit():
    from sklearn.linear_model import LinearRegression

    data = _data()
    corr = np.corrcoef(data, rowvar=False)
    for subset in ([0], [1, 2], [0, 1, 2]):
        fitted = LinearRegression().fit(data[:, subset], data[:, 3])
        assert stats.r_squared(corr, subset, 3) == pytest.approx(
            fitted.score(data[:, subset], data[:, 3])
        )


def test_shapley_shares_add_up_to_r_squared_and_follow_the_two_predictor_formula():
    data = _data()
    corr = np.corrcoef(data, rowvar=False)
    shares = stats.shapley_r2(corr, [0, 1, 2], 3)
    assert shares.sum() == pytest.approx(stats.r_squared(corr, [0, 1, 2], 3))
    two = stats.shapley_r2(corr, [0, 1], 3)
    full, only_1, only_2 = (stats.r_squared(corr, s, 3) for s in ([0, 1], [0], [1]))
    assert two[0] == pytest.approx((only_1 + full - only_2) / 2)
    assert two[1] == pytest.approx((only_2 + full - only_1) / 2)
    assert stats.shapley_r2(corr, [2, 0, 1], 3) == pytest.approx(shares[[2, 0, 1]])


def test_with_uncorrelated_predictors_a_share_is_the_squared_correlation():
    corr = np.array([[1.0, 0.0, 0.6], [0.0, 1.0, 0.3], [0.6, 0.3, 1.0]])
    assert stats.shapley_r2(corr, [0, 1], 2) == pytest.approx([0.36, 0.09])


def test_drivers_rank_what_drives_and_their_intervals_hold_the_estimate():
    found = stats.drivers(_data(), ["effectiveness", "ease", "noise", "overall"])
    shares = found.shares
    assert sum(e.value for e in shares.values()) == pytest.approx(1.0)
    assert shares["effectiveness"].value > shares["ease"].value > shares["noise"].value
    assert shares["noise"].value < 0.02
    for e in [*shares.values(), found.r2]:
        assert e.low <= e.value <= e.high
    assert stats.drivers(_data()[:4], ["a", "b", "c", "y"]) is None


def test_standardised_ols_with_one_predictor_is_scipys_linregress_on_z_scores():
    data = _data()[:, [0, 3]]
    fit = stats.standardised_ols(data, ["x", "y"])
    z = (data - data.mean(axis=0)) / data.std(axis=0, ddof=1)
    reference = scipy_stats.linregress(z[:, 0], z[:, 1])
    half = scipy_stats.t.ppf(0.975, len(data) - 2) * reference.stderr
    estimate = fit.coefficients["x"]
    assert estimate.value == pytest.approx(reference.slope)
    assert (estimate.low, estimate.high) == pytest.approx(
        (reference.slope - half, reference.slope + half)
    )
    assert fit.r2 == pytest.approx(reference.rvalue**2)


def test_mean_difference_is_welchs_interval():
    rng = np.random.default_rng(5)
    a, b = rng.normal(0.4, 1.0, 40), rng.normal(0.0, 2.0, 70)
    found = stats.mean_difference((len(a), a.sum(), (a**2).sum()), (len(b), b.sum(), (b**2).sum()))
    reference = scipy_stats.ttest_ind(a, b, equal_var=False).confidence_interval(0.95)
    assert found.value == pytest.approx(a.mean() - b.mean())
    assert (found.low, found.high) == pytest.approx((reference.low, reference.high))


def test_compare_means_is_welchs_t_test_with_cohens_d():
    rng = np.random.default_rng(9)
    a, b = rng.normal(0.3, 1.0, 60), rng.normal(0.0, 1.2, 80)
    found = stats.compare_means((60, a.sum(), (a**2).sum()), (80, b.sum(), (b**2).sum()))
    reference = scipy_stats.ttest_ind(a, b, equal_var=False)
    pooled = np.sqrt((59 * a.var(ddof=1) + 79 * b.var(ddof=1)) / 138)
    assert found.p_value == pytest.approx(reference.pvalue)
    assert found.effect == pytest.approx((a.mean() - b.mean()) / pooled)


def test_compare_shares_p_is_the_chi_square_test_and_the_interval_is_newcombes():
    found = stats.compare_shares(45, 100, 30, 100)
    table = np.array([[45, 55], [30, 70]])
    chi2 = scipy_stats.chi2_contingency(table, correction=False)
    assert found.p_value == pytest.approx(chi2.pvalue)
    assert found.difference.value == pytest.approx(0.15)
    # Newcombe (1998), Statistics in Medicine 17:873, example (a): 56/70 against 48/80,
    # method 10 (score interval): 0.0524 to 0.3339.
    example = stats.compare_shares(56, 70, 48, 80).difference
    assert (example.value, example.low, example.high) == pytest.approx(
        (0.2, 0.0524, 0.3339), abs=1e-4
    )


def test_compare_nps_treats_answers_as_plus_one_zero_minus_one():
    a = np.array([1] * 50 + [0] * 30 + [-1] * 20)
    b = np.array([1] * 30 + [0] * 40 + [-1] * 30)
    found = stats.compare_nps((50, 20, 100), (30, 30, 100))
    assert found.difference.value == pytest.approx(30.0)
    assert found.p_value == pytest.approx(scipy_stats.ttest_ind(a, b, equal_var=False).pvalue)
