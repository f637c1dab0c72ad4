"""Seeded Monte Carlo and one-at-a-time sensitivity."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from valse.model import uncertainty
from valse.model.valuation import effective_stake_price_discount_pct, price_per_stake_point_usd_bn


def cost(investment, services, margin):
    return investment - margin * services


def test_monte_carlo_is_reproducible_and_seed_dependent():
    ranges = {"margin": (0.15, 0.4), "services": (50.0, 150.0)}
    base = {"investment": 50.0, "services": 100.0, "margin": 0.3}
    a = uncertainty.monte_carlo(cost, base, ranges, 2000, seed=7)
    b = uncertainty.monte_carlo(cost, base, ranges, 2000, seed=7)
    c = uncertainty.monte_carlo(cost, base, ranges, 2000, seed=8)
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)
    # mean of a triangular law is (low + mode + high) / 3; inputs independent, model bilinear:
    # E[cost] = 50 - E[margin] E[services]
    expected = 50 - (0.15 + 0.3 + 0.4) / 3 * (50 + 100 + 150) / 3
    assert_allclose(a.mean(), expected, rtol=0.02)


def test_percentiles_of_a_known_sample():
    assert uncertainty.p10_p50_p90(np.arange(101)) == (10.0, 50.0, 90.0)


def test_triangular_refuses_mode_outside_range_and_handles_a_point():
    gen = uncertainty.rng(1)
    with pytest.raises(ValueError, match="low <= mode <= high"):
        uncertainty.triangular(gen, 0.2, 0.9, 0.8, 10)
    assert np.all(uncertainty.triangular(gen, 1.0, 1.0, 1.0, 5) == 1.0)


def test_one_at_a_time_orders_by_swing():
    rows = uncertainty.one_at_a_time(
        cost,
        {"investment": 50.0, "services": 100.0, "margin": 0.3},
        {"margin": (0.15, 0.4), "investment": (40.0, 60.0)},
    )
    # margin: 50 - 15 = 35 to 50 - 40 = 10 (swing 25)
    # investment at margin 0.3: 40 - 30 = 10 to 60 - 30 = 30 (swing 20)
    assert [r[0] for r in rows] == ["margin", "investment"]
    assert_allclose(rows[0][1:], (35.0, 10.0, 25.0), rtol=1e-12)
    assert_allclose(rows[1][1:], (10.0, 30.0, 20.0), rtol=1e-12)


def test_effective_price():
    # 50 invested for 5.87 %; economic cost 20 -> 60 % cheaper per point
    assert_allclose(effective_stake_price_discount_pct(50.0, 20.0), 60.0, rtol=1e-12)
    assert_allclose(effective_stake_price_discount_pct(50.0, -10.0), 120.0, rtol=1e-12)
    assert_allclose(price_per_stake_point_usd_bn(852.0, 100.0), 8.52, rtol=1e-12)
    with pytest.raises(ValueError):
        effective_stake_price_discount_pct(0.0, 1.0)


def _loop(model, base, ranges, n, seed):
    """The draw-by-draw reference: the same draws, one model call each."""
    gen = uncertainty.rng(seed)
    draws = {
        k: uncertainty.triangular(gen, lo, base[k], hi, n) for k, (lo, hi) in sorted(ranges.items())
    }
    fixed = {k: v for k, v in base.items() if k not in draws}
    return np.array(
        [model(**fixed, **{k: float(v[i]) for k, v in draws.items()}) for i in range(n)]
    )


def branchy(investment, services, margin):
    if margin > 0.3:  # a Python test: refuses arrays, so the draws are evaluated one by one
        return investment - services
    return investment - margin * services


def summing(investment, services, margin):
    # accepts arrays but reduces them: the shape check sends it to the loop
    return float(np.sum(investment - margin * services))


@pytest.mark.parametrize("model", [cost, branchy, summing])
def test_monte_carlo_equals_the_draw_by_draw_answer(model):
    base = {"investment": 50.0, "services": 100.0, "margin": 0.3}
    ranges = {"margin": (0.15, 0.4), "services": (50.0, 150.0)}
    fast = uncertainty.monte_carlo(model, base, ranges, 500, seed=3)
    slow = _loop(model, base, ranges, 500, seed=3)
    assert_allclose(fast, slow, rtol=1e-12, atol=1e-12)
