"""The multi-stage DCF (valse.model.dcf): closed forms, a hand-computed case, the root finders."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from valse.model import dcf, gordon, multiples
from valse.report.valuation_story import band

#: A hand-computed case: one year to the target, one fade year (see the test below).
HAND = dict(
    years_to_target=1, fade_years=1, growth_after_target=0.2, terminal_growth=0.02,
    margin_at_target=0.1, operating_margin=0.3, stock_compensation_share=0.05, tax_rate=0.2,
    sales_to_capital=2.0, reinvestment_rate=0.25, discount_rate_young=0.12,
    discount_rate_mature=0.08, failure_probability=0.1, burn_usd_bn=[10.0], cash_usd_bn=5.0,
)


def _degenerate(margin, tax, r, g, reinvestment, years):
    return dict(
        years_to_target=years, fade_years=0, growth_after_target=0.5, terminal_growth=g,
        margin_at_target=0.0, operating_margin=margin, stock_compensation_share=0.0,
        tax_rate=tax, sales_to_capital=1.0, reinvestment_rate=reinvestment,
        discount_rate_young=r, discount_rate_mature=r, failure_probability=0.0,
    )


def test_hand_computed_one_fade_year():
    # year 1 after the target: revenue 100 × 1.2 = 120, margin 0.1 → 0.3, rate 0.12 → 0.08
    # FCF = 120 × (0.3 − 0.05) × 0.8 − (120 − 100) / 2 = 24 − 10 = 14
    # terminal: 120 × 1.02 × 0.25 × 0.8 × 0.75 / (0.08 − 0.02) = 18.36 / 0.06 = 306
    # both discounted by 1.12 × 1.08 = 1.2096; failure 10 %; burn 10 at t = 0; cash 5
    stages = dcf.dcf_stages_usd_bn(100.0, **HAND)
    assert_allclose(stages["fade"], 14 / 1.2096, rtol=1e-12)
    assert_allclose(stages["terminal"], 306 / 1.2096, rtol=1e-12)
    assert_allclose(stages["failure"], -0.1 * 320 / 1.2096, rtol=1e-12)
    assert_allclose(stages["burn"], -10.0, rtol=1e-12)
    assert_allclose(stages["value"], 0.9 * 320 / 1.2096 - 10 + 5, rtol=1e-12)
    assert_allclose(stages["years"][0]["revenue_usd_bn"], 120.0, rtol=1e-12)
    assert_allclose(stages["years"][0]["operating_margin"], 0.3, rtol=1e-12)


def test_degenerate_dcf_equals_the_gordon_form_of_valuation():
    # no fade, one rate, no stock compensation, no failure, no burn, no cash
    kw = _degenerate(0.3, 0.21, 0.12, 0.03, 0.3, 4)
    assert_allclose(
        dcf.dcf_value_usd_bn(280.0, **kw),
        gordon.dcf_value_usd_bn(280.0, 0.3, 0.21, 0.12, 0.03, 0.3, 4),
        rtol=1e-12,
    )
    # and the reverse: the first edition's USD 706 bn requirement at 852, by the root finder
    assert_allclose(
        dcf.required_target_revenue_usd_bn(852.0, **kw),
        gordon.required_revenue_usd_bn(852.0, 0.3, 0.21, 0.12, 0.03, 0.3, 4),
        rtol=1e-9,
    )


@settings(max_examples=200, deadline=None)
@given(
    margin=st.floats(0.05, 0.6),
    tax=st.floats(0, 0.4),
    r=st.floats(0.04, 0.25),
    g_share=st.floats(0, 0.8),
    reinvestment=st.floats(0, 0.8),
    years=st.integers(0, 12),
    value=st.floats(1.0, 5e3),
)
def test_degenerate_dcf_equals_gordon_for_any_inputs(margin, tax, r, g_share, reinvestment,
                                                      years, value):
    kw = _degenerate(margin, tax, r, g_share * r, reinvestment, years)
    closed = gordon.required_revenue_usd_bn(value, margin, tax, r, g_share * r,
                                               reinvestment, years)
    assert_allclose(dcf.required_target_revenue_usd_bn(value, **kw), closed, rtol=1e-8)


@settings(max_examples=200, deadline=None)
@given(
    value=st.floats(50.0, 3e3),
    fade=st.integers(1, 15),
    growth=st.floats(0.0, 0.6),
    margin_t=st.floats(-0.2, 0.3),
    failure=st.floats(0, 0.5),
    s2c=st.floats(0.5, 3.0),
)
def test_root_finder_inverts_the_forward_dcf(value, fade, growth, margin_t, failure, s2c):
    kw = {**HAND, "years_to_target": 4, "fade_years": fade, "growth_after_target": growth,
          "margin_at_target": margin_t, "failure_probability": failure,
          "sales_to_capital": s2c, "burn_usd_bn": [13.3, 35.0, 45.0, 9.0], "cash_usd_bn": 108.0}
    need = dcf.required_target_revenue_usd_bn(value, **kw)
    if need == 0.0:  # the cash alone covers the value
        assert dcf.dcf_value_usd_bn(0.0, **kw) >= value
        return
    if math.isinf(need):  # no revenue is enough: more revenue never adds value here
        assert dcf.dcf_value_usd_bn(1e6, **kw) <= dcf.dcf_value_usd_bn(1.0, **kw) + 1e-6
        assert dcf.dcf_value_usd_bn(1.0, **kw) < value
        return
    assert_allclose(dcf.dcf_value_usd_bn(need, **kw), value, rtol=1e-8)
    # the one-step affine form gives the same answer
    assert_allclose(dcf.required_target_revenue_affine_usd_bn(value, **kw), need, rtol=1e-8)


def test_affine_form_works_on_arrays_of_draws():
    margins = np.array([0.2, 0.3, 0.4])
    kw = {**HAND, "operating_margin": margins}
    need = dcf.required_target_revenue_affine_usd_bn(500.0, **kw)
    for i, m in enumerate(margins):
        one = dcf.required_target_revenue_usd_bn(500.0, **{**HAND, "operating_margin": m})
        assert_allclose(need[i], one, rtol=1e-9)
    assert need[0] > need[1] > need[2]  # a higher margin needs less revenue


def test_required_growth_inverts_the_forward_dcf():
    kw = {k: v for k, v in HAND.items() if k != "growth_after_target"}
    kw["fade_years"] = 10
    growth = dcf.required_growth_after_target(300.0, 100.0, **kw)
    assert_allclose(dcf.dcf_value_usd_bn(100.0, growth_after_target=growth, **kw), 300.0,
                    rtol=1e-9)
    # a value no growth in the bracket reaches
    assert math.isnan(dcf.required_growth_after_target(1e9, 100.0, **kw))
    with pytest.raises(ValueError, match="fade_years >= 1"):
        dcf.required_growth_after_target(300.0, 100.0, **{**kw, "fade_years": 0})


def test_certain_failure_leaves_only_cash_less_burn():
    kw = {**HAND, "failure_probability": 1.0}
    assert_allclose(dcf.dcf_value_usd_bn(1e4, **kw), -10.0 + 5.0, rtol=1e-12)
    assert dcf.required_target_revenue_usd_bn(100.0, **kw) == math.inf


def test_burn_schedule_sums_back_and_fills_the_rest_evenly():
    # OpenAI's September 2025 projection: 115 over 2025-2029, of which 9, 17, 35, 45 known
    schedule = dcf.burn_schedule_usd_bn(115.0, [9.0, 17.0, 35.0, 45.0], 5)
    assert_allclose(schedule, [9.0, 17.0, 35.0, 45.0, 9.0], rtol=1e-12)
    assert_allclose(dcf.burn_schedule_usd_bn(10.0, [1.0], 4), [1.0, 3.0, 3.0, 3.0], rtol=1e-12)
    with pytest.raises(ValueError, match="exceed the total"):
        dcf.burn_schedule_usd_bn(10.0, [11.0], 3)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"sales_to_capital": 0.0}, "sales_to_capital must be positive"),
        ({"fade_years": 2.5}, "fade_years must be a whole number"),
        ({"failure_probability": 1.5}, r"failure_probability must be in \[0, 1\]"),
        ({"terminal_growth": 0.09}, r"terminal_growth \(0.09\) must be below"),
        ({"burn_usd_bn": [1.0, 2.0]}, "burn_usd_bn has 2 years"),
    ],
)
def test_bad_inputs_name_the_parameter(change, message):
    with pytest.raises(ValueError, match=message):
        dcf.dcf_value_usd_bn(100.0, **{**HAND, **change})


def test_band_refuses_a_central_value_outside_it_or_an_undefined_top():
    draws = np.linspace(0.0, 10.0, 101)
    assert_allclose(band(draws, 5.0), (1.0, 5.0, 9.0), rtol=1e-12)
    assert band(draws, 9.5) is None
    with_inf = np.concatenate([draws, np.full(30, np.inf)])  # over a tenth infinite
    assert band(with_inf, 5.0) is None
    few_inf = np.concatenate([draws, np.full(5, np.inf)])
    lo, _, hi = band(few_inf, 5.0)
    assert math.isfinite(hi) and lo <= 5.0 <= hi


def test_enterprise_value_behind_the_post_money_hand_computed():
    # 852 post-money less 73 of cash and 35 of Amazon's money still to come
    assert_allclose(multiples.enterprise_value_usd_bn(852.0, 73.0, 35.0), 744.0, rtol=1e-12)
    with pytest.raises(ValueError, match="cash_usd_bn must be non-negative"):
        multiples.enterprise_value_usd_bn(852.0, -1.0)


def test_holding_value_and_marks_hand_computed():
    # 32.5 expected paid, shares worth 880 / 852 of the round's price
    assert_allclose(multiples.holding_value_at_price_ratio_usd_bn(32.5, 880 / 852),
                    32.5 * 880 / 852, rtol=1e-12)
    # 15 paid at signing marked to an IPO of 1,000 after 6 % dilution: 15 × (940 / 852 − 1)
    assert_allclose(multiples.mark_up_gain_usd_bn(15.0, 940 / 852), 15 * 88 / 852, rtol=1e-12)
    assert multiples.mark_up_gain_usd_bn(15.0, 0.9) < 0  # an impairment
    with pytest.raises(ValueError, match="cost_usd_bn must be non-negative"):
        multiples.mark_up_gain_usd_bn(-1.0, 1.0)


def test_required_revenue_plausibility_by_hand():
    """HAND: value(R) = 0.9 × 3.2 R / 1.2096 − 5, so R = (V + 5) × 1.2096 / 2.88."""
    slope = 0.9 * 3.2 / 1.2096
    need = (200.0 + 5.0) / slope
    ok = dcf.required_revenue_plausibility(200.0, 40.0, 3.0, **HAND)
    assert_allclose(ok["need"], need, rtol=1e-9)
    assert ok["bound"] == 120.0 and ok["plausible"]
    assert_allclose(ok["times_projection"], need / 40.0, rtol=1e-9)
    # a bound below the need: not plausible, and the DCF at the bound falls short of the price
    short = dcf.required_revenue_plausibility(200.0, 20.0, 3.0, **HAND)
    assert not short["plausible"]
    assert_allclose(short["value_at_bound"], slope * 60.0 - 5.0, rtol=1e-12)
    assert short["value_at_bound"] < 200.0
    # no revenue at all (stock compensation eats the margin): not plausible, need infinite
    none = dcf.required_revenue_plausibility(
        200.0, 20.0, 3.0, **{**HAND, "operating_margin": 0.05, "margin_at_target": 0.05,
                             "sales_to_capital": 0.1})
    assert not none["plausible"] and math.isinf(none["need"])
    with pytest.raises(ValueError, match="plausible_multiple"):
        dcf.required_revenue_plausibility(200.0, 20.0, 0.0, **HAND)
