"""The core identities of DESIGN.md against hand-computed cases and invariants."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from valse.model import cloud, labor, valuation
from valse.model.deal import DEAL_FIELDS, create_deal, headline_metrics
from valse.model.flows.concentration import herfindahl_index

amount = st.floats(min_value=0, max_value=1e4, allow_nan=False)
share = st.floats(min_value=0, max_value=1, allow_nan=False)

BASE = dict(
    amazon_investment_usd_bn=50.0,
    amazon_upfront_usd_bn=15.0,
    contingent_tranche_probability=0.5,
    aws_services_usd_bn=100.0,
    round_size_usd_bn=122.0,
    pre_money_valuation_usd_bn=730.0,
    aws_ai_operating_margin=0.3,
    contract_years=8.0,
    discount_rate=0.09,
    roles_cut=30000,
    cost_per_role_usd_k=250.0,
)


def test_headline_metrics_hand_computed():
    m = headline_metrics(create_deal(BASE))
    # by hand: 730 + 122 = 852; 100 * 50 / 852 = 5.868544...; 15 + 0.5 * 35 = 32.5;
    # 100 * 100 / 50 = 200 (the net cash outlay and the margin-based cost are retired);
    # 30000 * 250 / 1e6 = 7.5; 50 / 7.5 = 6.6667
    expected = {
        "post_money_valuation_usd_bn": 852.0,
        "amazon_stake_pct": 5.868544600938967,
        "amazon_expected_investment_usd_bn": 32.5,
        "circularity_pct": 200.0,
        "layoff_savings_usd_bn_per_year": 7.5,
        "years_of_savings_to_match_investment": 6.666666666666667,
    }
    assert m.keys() == expected.keys()
    for name, value in expected.items():
        assert_allclose(m[name], value, rtol=1e-12, err_msg=name)


def test_rumour_reading_hand_computed():
    m = headline_metrics(
        create_deal(
            BASE, amazon_upfront_usd_bn=50.0, aws_services_usd_bn=38.0, round_size_usd_bn=100.0
        )
    )
    assert_allclose(m["post_money_valuation_usd_bn"], 830.0, rtol=1e-12)
    assert "amazon_net_cash_outlay_usd_bn" not in m and "amazon_economic_cost_usd_bn" not in m
    assert_allclose(m["circularity_pct"], 76.0, rtol=1e-12)
    assert_allclose(m["amazon_expected_investment_usd_bn"], 50.0, rtol=1e-12)


@given(pre=st.floats(min_value=1, max_value=1e4), rnd=amount, inv=amount)
def test_stake_is_investment_over_post_money(pre, rnd, inv):
    post = valuation.post_money_valuation_usd_bn(pre, rnd)
    assert_allclose(post, pre + rnd, rtol=1e-12)
    assert_allclose(valuation.stake_pct(inv, post) * post / 100, inv, rtol=1e-9, atol=1e-9)


@given(inv=amount, services=amount, margin=share)
def test_economic_cost_between_net_cash_and_headline(inv, services, margin):
    cost = cloud.economic_cost_usd_bn(inv, services, margin)
    net = cloud.net_cash_outlay_usd_bn(inv, services)
    tol = 1e-9 * max(1.0, inv, services)
    assert net - tol <= cost <= inv + tol


@given(commit=amount, frac=share, p=share)
def test_expected_investment_between_upfront_and_commitment(commit, frac, p):
    upfront = commit * frac
    e = valuation.expected_investment_usd_bn(commit, upfront, p)
    tol = 1e-9 * max(1.0, commit)
    assert upfront - tol <= e <= commit + tol


def test_expected_investment_refuses_bad_inputs():
    with pytest.raises(ValueError, match="upfront"):
        valuation.expected_investment_usd_bn(10, 20, 0.5)
    with pytest.raises(ValueError, match="probability"):
        valuation.expected_investment_usd_bn(10, 5, 1.5)


def test_circularity_edge_cases():
    assert cloud.circularity_pct(0.0, 0.0) == 0.0
    assert math.isinf(cloud.circularity_pct(38.0, 0.0))
    assert_allclose(cloud.circularity_pct(138.0, 50.0), 276.0, rtol=1e-12)


def test_layoff_savings_units():
    # 14,000 roles at USD 200k = USD 2.8 bn a year
    assert_allclose(labor.layoff_savings_usd_bn_per_year(14_000, 200.0), 2.8, rtol=1e-12)
    assert math.isinf(labor.years_of_savings_to_match(50.0, 0.0))


@pytest.mark.parametrize(
    ("shares", "expected"),
    [
        ([100.0], 10_000.0),
        ([25.0] * 4, 2_500.0),
        ([50.0, 50.0], 5_000.0),
        ([28.0, 21.0, 15.0], 28**2 + 21**2 + 15**2),
    ],
)
def test_herfindahl_known_values(shares, expected):
    assert_allclose(herfindahl_index(shares), expected, rtol=1e-12)


@given(n=st.integers(min_value=1, max_value=200))
def test_herfindahl_equal_firms(n):
    assert_allclose(herfindahl_index([100.0 / n] * n), 10_000.0 / n, rtol=1e-9)


def test_herfindahl_refuses_bad_shares():
    with pytest.raises(ValueError, match="more than 100"):
        herfindahl_index([60.0, 50.0])
    with pytest.raises(ValueError, match=r"\[0, 100\]"):
        herfindahl_index([-1.0])


def test_deal_validation_names_the_field():
    with pytest.raises(ValueError, match="amazon_upfront_usd_bn"):
        create_deal(BASE, amazon_upfront_usd_bn=60.0)
    with pytest.raises(ValueError, match="aws_ai_operating_margin"):
        create_deal(BASE, aws_ai_operating_margin=1.2)
    with pytest.raises(TypeError, match="roles_cut"):
        create_deal(BASE, roles_cut="many")
    with pytest.raises(KeyError, match="discount_rate"):
        create_deal({k: v for k, v in BASE.items() if k != "discount_rate"})


def test_create_deal_ignores_other_parameters_and_sweeps():
    deals = [
        create_deal({**BASE, "seed": 1, "draws": 10}, aws_services_usd_bn=s) for s in (0, 38, 100)
    ]
    assert [d.aws_services_usd_bn for d in deals] == [0, 38, 100]
    assert set(DEAL_FIELDS) == set(BASE)
