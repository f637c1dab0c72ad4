"""The tranche and the listing: the two-state expectation by hand, pricing readings, draws."""

import dataclasses

import numpy as np
import pytest
from numpy.testing import assert_allclose

from valse.model import tranche as tr
from valse.model.uncertainty import rng

BASE = dict(
    amazon_investment_usd_bn=50.0, amazon_upfront_usd_bn=15.0,
    contingent_tranche_probability=0.5, contingent_tranche_year=1.0,
    pre_money_valuation_usd_bn=730.0, round_size_usd_bn=122.0,
    openai_listing_value_usd_bn=925.0, openai_private_value_usd_bn=730.0,
    openai_value_volatility=0.35, openai_listing_probability=0.6, listing_year=1.5,
    lapse_year=2.8, ipo_dilution=0.06, discount_rate=0.09, stake_discount_rate=0.12,
    tranche_pricing="round",
)


def tranche(**kw):
    return tr.create_tranche(BASE, **kw)


def test_two_state_expectation_by_hand():
    t = tranche()
    paid_stake = 50 / 852 * 0.94 * 925 / 1.12**1.5
    unpaid_stake = 15 / 817 * 730 / 1.12**2.8
    assert_allclose(tr.stake_value_pv_usd_bn(t), 0.5 * paid_stake + 0.5 * unpaid_stake, rtol=1e-12)
    assert_allclose(tr.investment_pv_usd_bn(t), 15 + 0.5 * 35 / 1.09, rtol=1e-12)
    forward = 35 * 0.94 * 925 / 852 / 1.12**1.5 - 35 / 1.09
    assert_allclose(tr.tranche_value_usd_bn(t), 0.5 * forward, rtol=1e-12)
    rows = tr.states_table(t)
    assert [r["state"] for r in rows] == list(tr.STATE_NAMES)
    assert_allclose(sum(r["probability"] for r in rows), 1.0)


def test_priced_at_the_ipo_the_tranche_is_worth_its_cost():
    t = tranche(tranche_pricing="ipo")
    assert tr.tranche_value_usd_bn(t) == 0.0
    assert tr.tranche_value_usd_bn(tranche(), "ipo") == 0.0
    # the stake and the investment then differ by the upfront shares' value alone
    paid_upfront = 15 / 817 * 0.94 * 925 / 1.12**1.5
    unpaid = 15 / 817 * 730 / 1.12**2.8
    net = tr.stake_value_pv_usd_bn(t) - tr.investment_pv_usd_bn(t)
    assert_allclose(net, 0.5 * paid_upfront + 0.5 * unpaid - 15, rtol=1e-12)


def test_round_pricing_is_a_forward_worth_more_the_higher_the_listing():
    low = tranche(openai_listing_value_usd_bn=800.0)
    high = tranche(openai_listing_value_usd_bn=1200.0)
    assert tr.tranche_value_usd_bn(low) < tr.tranche_value_usd_bn(high)
    # degenerate: certain payment today, listing today, no dilution, one rate: V / post − 1
    t = tranche(contingent_tranche_probability=1.0, contingent_tranche_year=0.0, listing_year=0.0,
                ipo_dilution=0.0)
    assert_allclose(tr.tranche_value_usd_bn(t), 35 * (925 / 852 - 1), rtol=1e-12)


def test_nothing_contingent_uses_the_listing_probability():
    t = tranche(amazon_upfront_usd_bn=50.0, round_size_usd_bn=100.0)
    assert not t.has_tranche and tr.listing_probability(t) == 0.6
    assert tr.tranche_value_usd_bn(t) == 0.0
    assert_allclose(tr.investment_pv_usd_bn(t), 50.0, rtol=1e-12)
    expected = 0.6 * 50 / 830 * 0.94 * 925 / 1.12**1.5 + 0.4 * 50 / 830 * 730 / 1.12**2.8
    assert_allclose(tr.stake_value_pv_usd_bn(t), expected, rtol=1e-12)


def test_correlated_draws_keep_each_state_centred_on_its_evidence():
    t = tranche()
    draws = tr.draw_states(t, rng(7), 400_000, value_correlation=0.6)
    paid = draws["paid"]
    assert paid.mean() == pytest.approx(0.5, abs=0.005)
    v = draws["openai_value_usd_bn"]
    assert v[paid].mean() == pytest.approx(925, rel=0.01)
    assert v[~paid].mean() == pytest.approx(730, rel=0.01)
    # better fortunes (the latent factor) mean a higher value within a state
    assert np.corrcoef(draws["latent"][paid], np.log(v[paid]))[0, 1] > 0.3
    stake, invest = tr.drawn_stake_and_investment_pv(t, draws)
    assert stake.mean() == pytest.approx(tr.stake_value_pv_usd_bn(t), rel=0.01)
    assert invest.mean() == pytest.approx(tr.investment_pv_usd_bn(t), rel=0.01)
    # the outcome is bimodal: what Amazon pays is 15 or 15 + 35 discounted, never in between
    assert set(np.round(np.unique(invest), 9)) == {15.0, round(15 + 35 / 1.09, 9)}


def test_draws_are_seeded():
    t = tranche()
    a = tr.draw_states(t, rng(1), 100, 0.5)["openai_value_usd_bn"]
    b = tr.draw_states(t, rng(1), 100, 0.5)["openai_value_usd_bn"]
    assert np.array_equal(a, b)


def test_bad_input_names_the_field():
    with pytest.raises(ValueError, match="tranche_pricing"):
        tranche(tranche_pricing="later")
    with pytest.raises(ValueError, match="contingent_tranche_probability"):
        tranche(contingent_tranche_probability=1.2)
    with pytest.raises(KeyError, match="lapse_year"):
        tr.create_tranche({k: v for k, v in BASE.items() if k != "lapse_year"})
    with pytest.raises(ValueError, match="upfront"):
        dataclasses.replace(tranche(), amazon_upfront_usd_bn=60.0)


def test_expected_holding_value_by_hand():
    """The one IPO distribution of 01: two states at their means, undiscounted."""
    t = tranche()
    by_hand = 0.5 * 50 / 852 * 0.94 * 925 + 0.5 * 15 / 817 * 730
    assert_allclose(tr.expected_holding_value_usd_bn(t), by_hand, rtol=1e-12)
    ipo = tranche(tranche_pricing="ipo")
    by_hand_ipo = 0.5 * (15 / 817 * 0.94 * 925 + 35) + 0.5 * 15 / 817 * 730
    assert_allclose(tr.expected_holding_value_usd_bn(ipo), by_hand_ipo, rtol=1e-12)
    # nothing contingent: the listing probability weights the states
    whole = tranche(amazon_upfront_usd_bn=50.0)
    assert_allclose(tr.expected_holding_value_usd_bn(whole),
                    0.6 * 50 / 852 * 0.94 * 925 + 0.4 * 50 / 852 * 730, rtol=1e-12)


def test_drawn_holding_value_mean_tends_to_the_expectation():
    t = tranche()
    draws = tr.draw_states(t, rng(11), 400_000, value_correlation=0.5)
    held = tr.drawn_holding_value_usd_bn(t, draws)
    assert_allclose(held.mean(), tr.expected_holding_value_usd_bn(t), rtol=0.01)
    # the listed draws' values are centred (in mean) on the evidence, not on the range's top
    listed = draws["openai_value_usd_bn"][draws["paid"]]
    assert_allclose(listed.mean(), 925.0, rtol=0.01)


def test_lognormal_quantile_closed_form():
    assert_allclose(tr.lognormal_quantile_usd_bn(925.0, 0.35, 0.5), 925 * np.exp(-0.35**2 / 2),
                    rtol=1e-12)
    z90 = 1.2815515655446004
    assert_allclose(tr.lognormal_quantile_usd_bn(925.0, 0.35, 0.9),
                    925 * np.exp(0.35 * z90 - 0.35**2 / 2), rtol=1e-9)
    with pytest.raises(ValueError, match="q must be in"):
        tr.lognormal_quantile_usd_bn(925.0, 0.35, 1.0)
