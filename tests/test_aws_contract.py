"""The AWS contract in cash: closed forms, refresh and residual arithmetic, monotonicity."""

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from valse.model import aws_capacity as cap
from valse.model import aws_contract as ac

CENTRAL = dict(
    aws_services_usd_bn=100.0, contract_years=8.0, deal_caused_share=0.5,
    accelerator_hour_price_usd=2.55, gpu_utilisation=0.8, accelerators_per_gw_it=600000.0,
    pue=1.25, power_price_usd_per_mwh=70.0, it_capex_usd_bn_per_gw=21.0,
    facility_capex_usd_bn_per_gw=20.0, it_useful_life_years=5, facility_useful_life_years=20,
    operations_share_of_it_capex=0.04, tax_rate=0.21, aws_contract_start_year=1,
    aws_contract_ramp_years=2.0, counterparty_loss_probability=0.15,
    counterparty_recovery_rate=0.5, discount_rate=0.09,
)


def contract(**kw):
    return ac.create_contract(CENTRAL, **kw)


def test_npv_and_irr_of_hand_computed_flows():
    flows = np.array([-100.0, 60.0, 60.0])
    assert_allclose(ac.npv_usd_bn(flows, 0.10), -100 + 60 / 1.1 + 60 / 1.21, rtol=1e-12)
    # 60 x² + 60 x − 100 = 0 with x = 1 / (1 + r)
    x = (-60 + math.sqrt(60**2 + 4 * 60 * 100)) / (2 * 60)
    assert_allclose(ac.irr(flows), 1 / x - 1, rtol=1e-9)
    # a return below zero: 50 + 40 < 100
    x = (-50 + math.sqrt(50**2 + 4 * 40 * 100)) / (2 * 40)
    assert ac.irr(np.array([-100.0, 50.0, 40.0])) == pytest.approx(1 / x - 1, rel=1e-9)
    assert ac.irr(np.array([-100.0, 50.0, 40.0])) < 0
    assert math.isnan(ac.irr(np.array([0.0, 0.0])))


def test_ramp_weights_by_hand():
    assert_allclose(cap.ramp_weights(4, 0), [0.25] * 4, rtol=1e-12)
    # rate rising to 1 over 2 years: integrals 0.25, 0.75, 1, 1 over the four years
    assert_allclose(cap.ramp_weights(4, 2), np.array([0.25, 0.75, 1, 1]) / 3, rtol=1e-12)
    assert_allclose(cap.ramp_weights(7.5, 3).sum(), 1.0, rtol=1e-12)
    with pytest.raises(ValueError, match="ramp_years"):
        cap.ramp_weights(4, 5)


def test_refresh_depreciation_and_residual_by_hand():
    added = np.array([10.0, 0, 0, 5, 0, 0, 0])
    bought = cap.purchase_schedule(added, 3)
    # the 10 of year 1 is bought again in years 4 and 7; the 5 of year 4 again in year 7
    assert_allclose(bought, [10, 0, 0, 15, 0, 0, 15], rtol=1e-12)
    dep = cap.depreciation_by_year(bought, 3)
    assert_allclose(dep, [10 / 3, 10 / 3, 10 / 3, 5, 5, 5, 5], rtol=1e-12)
    # the last purchase has served one year of three: two thirds of 15 remain
    assert_allclose(cap.residual_value(bought, 3), 10.0, rtol=1e-12)
    # what is not depreciated within the contract is its residual value
    assert_allclose(dep.sum() + cap.residual_value(bought, 3), bought.sum(), rtol=1e-12)
    # a facility outliving the contract: 7 of 20 years used
    assert_allclose(cap.residual_value(np.array([20.0, 0, 0, 0, 0, 0, 0]), 20), 20 * 13 / 20)


def test_one_year_contract_by_hand():
    c = contract(contract_years=1.0, aws_services_usd_bn=1.0, deal_caused_share=1.0,
                 aws_contract_ramp_years=0.0, aws_contract_start_year=0,
                 it_useful_life_years=1, facility_useful_life_years=2,
                 counterparty_loss_probability=0.2, counterparty_recovery_rate=0.25)
    n_acc = 1e9 / (2.55 * 8760 * 0.8)
    kw = 1e6 / 600000
    per_gw = 1e6 / (kw * 1.25)
    it, fac = 21.0 * n_acc / per_gw, 20.0 * n_acc / per_gw
    power = n_acc * kw * 1.25 * 8760 * 0.8 / 1e3 * 70 / 1e9
    ops = 0.04 * it
    revenue = 1.0 * (1 - 0.2 * 0.75)
    ebit = revenue - power - ops - it - fac / 2
    cf1 = revenue - power - ops - 0.21 * ebit + fac / 2
    assert_allclose(ac.contract_npv_usd_bn(c), -(it + fac) + cf1 / 1.09, rtol=1e-10)
    flows = ac.cash_flows(c)
    assert_allclose(flows["cash_flow"], [-(it + fac), cf1], rtol=1e-10)
    assert_allclose(ac.contract_irr_pct(c), 100 * (cf1 / (it + fac) - 1), rtol=1e-8)


def test_start_year_delays_every_flow():
    now, later = contract(aws_contract_start_year=0), contract(aws_contract_start_year=1)
    assert_allclose(ac.contract_npv_usd_bn(later), ac.contract_npv_usd_bn(now) / 1.09, rtol=1e-12)


def test_nothing_caused_nothing_built():
    c = contract(deal_caused_share=0.0)
    assert ac.contract_npv_usd_bn(c) == 0.0
    assert math.isnan(ac.contract_irr_pct(c))
    assert ac.contract_summary(c)["capex_usd_bn"] == 0.0


@pytest.mark.parametrize("kw", [{}, {"accelerator_hour_price_usd": 0.5},
                                {"discount_rate": 0.0}, {"deal_caused_share": 0.0}])
def test_npv_and_irr_in_one_evaluation_equal_each_alone(kw):
    """npv_parts and contract_summary take both from one evaluation of the flows: the same
    numbers to the bit as the two functions (a NaN IRR where nothing is caused)."""
    c = contract(**kw)
    npv, irr_pct = ac.contract_npv_irr(c)
    assert npv == ac.contract_npv_usd_bn(c)
    alone = ac.contract_irr_pct(c)
    assert (math.isnan(irr_pct) and math.isnan(alone)) or irr_pct == alone
    s = ac.contract_summary(c)
    assert s["npv_usd_bn"] == npv
    assert (math.isnan(s["irr_pct"]) and math.isnan(irr_pct)) or s["irr_pct"] == irr_pct


def test_margin_is_an_output_and_a_low_price_gives_a_negative_npv():
    s = ac.contract_summary(contract())
    assert 0 < s["operating_margin"] < 1
    low = contract(accelerator_hour_price_usd=1.0)
    assert ac.contract_npv_usd_bn(low) < 0 and ac.contract_irr_pct(low) < 0
    assert ac.operating_margin(low) < 0


def test_vectorised_draws_equal_scalar_calls():
    c = contract()
    prices, utils = np.array([1.5, 2.55, 4.0]), np.array([0.6, 0.8, 0.95])
    losses = np.array([0.0, 0.5, 0.1])
    out = ac.contract_npv_usd_bn(c, price=prices, utilisation=utils, loss_share=losses)
    for i in range(3):
        one = ac.contract_npv_usd_bn(c, price=prices[i], utilisation=utils[i],
                                     loss_share=losses[i])
        assert_allclose(out[i], one, rtol=1e-12)


def test_reconciliation_with_the_reported_gigawatts():
    c = contract()
    share = ac.share_of_reported_capacity(c, 2.0)
    whole = dataclasses.replace(c, deal_caused_share=1.0)
    assert_allclose(share * 2.0, ac.contract_summary(whole)["peak_gigawatts"], rtol=1e-12)
    # capacity scales with 1 / price: the price that fills the 2 GW
    filled = contract(accelerator_hour_price_usd=2.55 * share)
    assert_allclose(ac.share_of_reported_capacity(filled, 2.0), 1.0, rtol=1e-12)


ranges = dict(
    accelerator_hour_price_usd=st.floats(1.5, 4.0), gpu_utilisation=st.floats(0.6, 0.95),
    deal_caused_share=st.floats(0.05, 1.0), tax_rate=st.floats(0.0, 0.4),
    counterparty_loss_probability=st.floats(0.0, 0.6), power_price_usd_per_mwh=st.floats(30, 150),
)


@settings(max_examples=60, deadline=None)
@given(**ranges, bump=st.floats(0.01, 0.3))
def test_monotone_in_price_loss_and_tax(bump, **kw):
    c = contract(**kw)
    npv = ac.contract_npv_usd_bn(c)
    tol = 1e-9 * (1 + abs(npv))
    cheaper = dataclasses.replace(c, accelerator_hour_price_usd=c.accelerator_hour_price_usd - bump)
    assert ac.contract_npv_usd_bn(cheaper) <= npv + tol
    riskier = dataclasses.replace(
        c, counterparty_loss_probability=min(1.0, c.counterparty_loss_probability + bump))
    assert ac.contract_npv_usd_bn(riskier) <= npv + tol
    taxed = dataclasses.replace(c, tax_rate=min(1.0, c.tax_rate + bump))
    pv_ebit = ac.npv_usd_bn(np.concatenate([[0.0] * (int(c.aws_contract_start_year) + 1),
                                            ac.cash_flows(c)["ebit"]]), c.discount_rate)
    if pv_ebit >= 0:  # a loss lowers the tax Amazon pays on its other profits
        assert ac.contract_npv_usd_bn(taxed) <= npv + tol


def test_bad_input_names_the_field():
    with pytest.raises(ValueError, match="deal_caused_share"):
        contract(deal_caused_share=1.5)
    with pytest.raises(ValueError, match="pue"):
        contract(pue=0.9)
    with pytest.raises(KeyError, match="tax_rate"):
        ac.create_contract({k: v for k, v in CENTRAL.items() if k != "tax_rate"})
