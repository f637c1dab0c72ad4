"""The fair-value bridge (valse.model.fair_value): a hand-computed case and its identities."""

import pytest
from numpy.testing import assert_allclose

from valse.model import fair_value as fv

CASE = dict(post_money_usd_bn=852.0, contingent_usd_bn=35.0, contingent_probability=0.8,
            cash_usd_bn=73.0, dcf_operating_value_usd_bn=562.5, amazon_investment_usd_bn=50.0,
            amazon_upfront_usd_bn=15.0)


def test_bridge_by_hand():
    out = fv.fair_value_bridge(**CASE)
    amounts = [s.amount_usd_bn for s in out["steps"]]
    # 852; −0.2 × 35 = −7; −(73 + 28) = −101 → 744; 562.5 − 744 = −181.5; 0; 0; +101
    assert_allclose(amounts, [852.0, -7.0, -101.0, -181.5, 0.0, 0.0, 101.0], atol=1e-12)
    assert_allclose(out["steps"][2].total_usd_bn, 744.0, atol=1e-12)
    assert_allclose(out["fair_equity_usd_bn"], 663.5, atol=1e-12)
    # 0.8 × 50/852 × (562.5 + 73 + 35) + 0.2 × 15/817 × (562.5 + 73)
    by_hand = 0.8 * 50 / 852 * 670.5 + 0.2 * 15 / 817 * 635.5
    assert_allclose(out["amazon_fair_value_usd_bn"], by_hand, rtol=1e-12)
    assert out["method"] == "pro rata"


def test_at_the_price_the_bridge_returns_what_amazon_pays():
    """With the DCF's operating value equal to the price's, a certain tranche and nothing
    else, Amazon's holding is worth its money: 50 / 852 × 852."""
    case = {**CASE, "contingent_probability": 1.0, "dcf_operating_value_usd_bn": 852 - 73 - 35}
    out = fv.fair_value_bridge(**case)
    assert_allclose(out["fair_equity_usd_bn"], 852.0, rtol=1e-12)
    assert_allclose(out["amazon_fair_value_usd_bn"], 50.0, rtol=1e-12)


def test_cap_saving_and_foundation_claim_move_the_value_one_for_one():
    base = fv.fair_value_bridge(**CASE)["fair_equity_usd_bn"]
    more = fv.fair_value_bridge(**CASE, revenue_share_cap_saving_usd_bn=10.0,
                                foundation_claim_usd_bn=4.0)["fair_equity_usd_bn"]
    assert_allclose(more - base, 6.0, atol=1e-12)


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="method"):
        fv.fair_value_bridge(**CASE, method="option pricing")
    with pytest.raises(ValueError, match="contingent_probability"):
        fv.fair_value_bridge(**{**CASE, "contingent_probability": 1.2})
    with pytest.raises(ValueError, match="amazon_upfront_usd_bn"):
        fv.fair_value_bridge(**{**CASE, "amazon_upfront_usd_bn": 60.0})


def test_limited_liability_floors_the_shares_at_zero():
    out = fv.fair_value_bridge(**{**CASE, "dcf_operating_value_usd_bn": -200.0})
    # E_paid = −200 + 73 + 35 < 0 and E_unpaid < 0: the shares are worth nothing
    assert out["amazon_fair_value_usd_bn"] == 0.0
    partly = fv.fair_value_bridge(**{**CASE, "dcf_operating_value_usd_bn": -90.0})
    # E_paid = 18, E_unpaid = −17 → 0
    assert_allclose(partly["amazon_fair_value_usd_bn"], 0.8 * 50 / 852 * 18.0, rtol=1e-12)
