"""Can OpenAI pay (valse.model.openai_finances): hand-built cases and sums of the facts."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from valse.data.facts import load_facts
from valse.model import openai_finances as of
from valse.model import valuation
from valse.report import openai_pay
from valse.report import valuation_concentration as conc
from valse.report import valuation_market as market
from valse.report import valuation_story as story

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def facts():
    return load_facts()


def test_annualised_commitments_hand_computed():
    contracts = [of.Contract("A", 300.0, 2027, 5), of.Contract("B", 10.0, 2026, 2.5)]
    table = of.annualised_commitments_usd_bn(contracts, range(2025, 2033))
    # A: 60 a year 2027-2031; B: 4 a year in 2026 and 2027, half a year (2) in 2028
    assert_allclose(table[:, 0], [0, 0, 60, 60, 60, 60, 60, 0], rtol=1e-12)
    assert_allclose(table[:, 1], [0, 4, 4, 2, 0, 0, 0, 0], rtol=1e-12)


@settings(max_examples=200, deadline=None)
@given(total=st.floats(0, 1e3), start=st.integers(2020, 2035), term=st.floats(0.1, 20))
def test_annualised_commitments_sum_back_to_the_contract(total, start, term):
    contract = of.Contract("X", total, start, term)
    table = of.annualised_commitments_usd_bn([contract], range(2015, 2060))
    assert_allclose(table.sum(), total, rtol=1e-9, atol=1e-9)


def test_annualised_contracts_of_the_facts_sum_back(facts):
    p = {"aws_services_usd_bn": 100.0, "amazon_investment_usd_bn": 50.0,
         "amazon_upfront_usd_bn": 15.0}
    contracts = openai_pay.openai_contracts(p, facts)
    table = of.annualised_commitments_usd_bn(contracts, range(2020, 2045))
    expected = (facts.value("openai_oracle_commitment_usd_bn")
                + facts.value("openai_azure_commitment_2025_10_usd_bn")
                + facts.value("aws_openai_contract_2025_11_usd_bn") + 100.0
                + facts.value("openai_coreweave_commitment_usd_bn")
                + facts.value("cerebras_openai_usd_bn"))
    assert_allclose(table.sum(), expected, rtol=1e-12)
    # 300 + 250 + 38 + 100 + 22.4 + 10
    assert_allclose(expected, 720.4, rtol=1e-12)
    # Oracle starts in 2027 (the fact's note), the AWS expansion in 2027 (a year after signing)
    starts = {c.provider: c.start_year for c in contracts}
    assert starts["Oracle"] == 2027 and starts["AWS (February 2026 expansion)"] == 2027


def test_coverage_and_sources_and_uses_of_a_hand_built_case():
    revenue = [10.0, 20.0, 40.0]
    compute = [20.0, 30.0, 20.0]
    assert_allclose(of.coverage_ratio(revenue, compute), [0.5, 2 / 3, 2.0], rtol=1e-12)
    table = of.sources_and_uses(revenue, compute, 0.25, cash_usd_bn=5.0, money_to_come_usd_bn=3.0)
    # net: 10 − 20 − 2.5 = −12.5; 20 − 30 − 5 = −15; 40 − 20 − 10 = +10
    assert_allclose(table["net"], [-12.5, -15.0, 10.0], rtol=1e-12)
    # balance from 8: −4.5, −19.5, −9.5; money to raise: 4.5 then 15, then nothing
    assert_allclose(table["balance"], [-4.5, -19.5, -9.5], rtol=1e-12)
    assert_allclose(table["to_raise"], [4.5, 15.0, 0.0], rtol=1e-12)
    assert_allclose(of.funding_gap_usd_bn(table), 19.5, rtol=1e-12)
    p, recovery = of.renegotiation_risk(table)
    assert_allclose(p, 19.5 / 70.0, rtol=1e-12)
    assert_allclose(recovery, 1 - 19.5 / 70.0, rtol=1e-12)
    assert math.isinf(of.coverage_ratio([1.0], [0.0])[0])


def test_no_gap_means_no_renegotiation():
    table = of.sources_and_uses([100.0, 100.0], [10.0, 10.0], 0.3, cash_usd_bn=0.0)
    assert of.funding_gap_usd_bn(table) == 0.0
    assert of.renegotiation_risk(table) == (0.0, 1.0)


def test_contract_schedule_of_drawn_terms_is_each_term_alone():
    # terms 2.5, 4 and 1 years of a 20 bn contract from 2026: 8, 5 and 20 a year
    years = range(2025, 2031)
    drawn = of.contract_schedule_usd_bn(20.0, 2026, np.array([2.5, 4.0, 1.0]), years)
    assert drawn.shape == (3, 6)
    assert_allclose(drawn, [[0, 8, 8, 4, 0, 0], [0, 5, 5, 5, 5, 0], [0, 20, 0, 0, 0, 0]],
                    rtol=1e-12)
    for row, term in zip(drawn, (2.5, 4.0, 1.0), strict=True):
        assert np.array_equal(row, of.contract_schedule_usd_bn(20.0, 2026, term, years))
    with pytest.raises(ValueError, match="every term must be positive, found 0.0"):
        of.contract_schedule_usd_bn(20.0, 2026, np.array([3.0, 0.0]), years)


def test_sources_and_uses_of_draws_as_rows_is_each_draw_alone():
    revenue = np.array([10.0, 20.0, 40.0])
    compute = np.array([[20.0, 30.0, 20.0], [5.0, 5.0, 5.0]])
    share = np.array([[0.25], [0.5]])
    rows = of.sources_and_uses(revenue, compute, share, cash_usd_bn=5.0, money_to_come_usd_bn=3.0)
    gaps = of.funding_gap_usd_bn(rows)
    prob, recovery = of.renegotiation_risk(rows)
    # draw 1 is the hand-built case above (gap 19.5 of 70 committed); draw 2 never runs short
    assert_allclose(gaps, [19.5, 0.0], rtol=1e-12)
    assert_allclose(prob, [19.5 / 70.0, 0.0], rtol=1e-12)
    assert_allclose(recovery, [1 - 19.5 / 70.0, 1.0], rtol=1e-12)
    for i in range(2):
        alone = of.sources_and_uses(revenue, compute[i], float(share[i, 0]), 5.0, 3.0)
        for key in ("net", "balance", "to_raise", "coverage"):
            assert np.array_equal(rows[key][i], alone[key]), key
        assert of.renegotiation_risk(alone) == (prob[i], recovery[i])
    with pytest.raises(ValueError, match=r"other_cost_share must be in \[0, 1\]"):
        of.sources_and_uses(revenue, compute, np.array([[0.2], [1.5]]), 5.0)


def test_revenue_path_is_geometric_between_points_and_flat_outside():
    path = of.revenue_path_usd_bn({2026: 30.0, 2030: 280.0}, [2025, 2026, 2028, 2030, 2031])
    assert_allclose(path, [30.0, 30.0, 30.0 * (280 / 30) ** 0.5, 280.0, 280.0], rtol=1e-12)
    with pytest.raises(ValueError, match="revenue of 2026 must be positive"):
        of.revenue_path_usd_bn({2026: 0.0}, [2026])


def test_backlog_share_against_a_hand_sum_of_the_facts(facts):
    # AWS at 31 March 2026: OpenAI's 38 + 100 of a 364 backlog
    aws = of.backlog_share_pct(facts.value("aws_backlog_q1_2026_usd_bn"), {
        "Nov 2025": facts.value("aws_openai_contract_2025_11_usd_bn"),
        "Feb 2026": facts.value("aws_openai_contract_expansion_usd_bn")})
    assert_allclose(aws, 100 * 138 / 364, rtol=1e-12)
    shares = conc.backlog_shares({"amazon_investment_usd_bn": 50.0,
                                   "amazon_upfront_usd_bn": 15.0}, facts)
    col = "share from OpenAI and Anthropic (%)"
    assert_allclose(shares[col].iloc[0], 100 * 138 / 364, rtol=1e-12)
    # Microsoft: 45 % of 625 for OpenAI, plus Anthropic's 30 of Azure
    assert_allclose(shares[col].iloc[-1], 100 * (0.45 * 625 + 30) / 625, rtol=1e-12)
    with pytest.raises(ValueError, match="backlog_usd_bn must be positive"):
        of.backlog_share_pct(0.0, {})


def test_supplier_share_against_a_hand_sum_of_the_facts(facts):
    new_money = valuation.round_allocation_usd_bn(
        facts.value("openai_round_2026_closed_usd_bn"),
        facts.value("amazon_openai_commitment_usd_bn"), "Amazon",
        {"NVIDIA": facts.value("nvidia_openai_round_2026_usd_bn"),
         "SoftBank": facts.value("softbank_openai_round_2026_usd_bn")}, "Others")
    # (50 + 30) / 122 and (50 + 30 + 30) / 122
    assert_allclose(of.supplier_share_pct(new_money, ["Amazon", "NVIDIA"]), 100 * 80 / 122,
                    rtol=1e-12)
    result = market.supplier_share({"amazon_upfront_usd_bn": 15.0,
                                   "pre_money_valuation_usd_bn": 730.0,
                                   "round_size_usd_bn": 122.0}, new_money, facts)
    assert_allclose(result["share_with_softbank"], 100 * 110 / 122, rtol=1e-12)
    # firm at the close: Amazon's 15 upfront + NVIDIA's 30 of 122 − 35 = 87
    assert_allclose(result["firm_share"], 100 * 45 / 87, rtol=1e-12)
    assert_allclose(result["secondary_low_premium_pct"], 100 * (880 / 852 - 1), rtol=1e-12)


def test_capacity_on_aws_hand_computed(facts):
    cap = conc.capacity_on_aws(facts)
    # 2 GW for OpenAI + 5 GW for Anthropic at 1 GW a quarter; 7 GW × 40 per GW = 280 of 200
    assert_allclose(cap["quarters"], 7.0, rtol=1e-12)
    assert_allclose(cap["capex"], 280.0, rtol=1e-12)
    assert_allclose(cap["capex_share_of_guidance"], 1.4, rtol=1e-12)
    with pytest.raises(ValueError, match="added_gw_per_quarter must be positive"):
        of.build_quarters(7.0, 0.0)


def test_contract_refuses_a_bad_term():
    with pytest.raises(ValueError, match="'X': term_years must be positive"):
        of.Contract("X", 1.0, 2026, 0)


def test_can_pay_band_contains_the_central_and_sums_hold(facts):
    from test_valuation_story import scenario_params

    p = scenario_params(ROOT / "data" / "scenarios" / "base.yaml")
    result = openai_pay.can_pay(p, facts)
    t = result["table"]
    compute_cols = [c for c in t.columns if c.startswith("compute: ")]
    assert_allclose(t[compute_cols].sum(axis=1), t["committed compute, all"], rtol=1e-12)
    assert_allclose(t["money to raise (plan)"].sum(), result["plan"]["gap"], rtol=1e-12)
    for key, b in result["bands"].items():
        if b is not None:
            assert b[0] <= result["plan"][key] <= b[2], key
    assert np.all(t["coverage, run-rate held (x)"] <= t["coverage, own plan (x)"] + 1e-12)


def test_can_pay_draws_are_each_draw_alone(facts):
    import dataclasses

    from test_valuation_story import scenario_params

    p = scenario_params(ROOT / "data" / "scenarios" / "base.yaml")
    years = list(range(p["valuation_year"], p["target_year"] + 1))
    contracts = openai_pay.openai_contracts(p, facts)
    revenue = openai_pay.revenue_paths(p, facts, years)["plan"]
    draws = {"other": np.array([0.3, 0.5]), "azure": np.array([4.0, 9.0]),
             "coreweave": np.array([3.0, 6.5])}
    rows = openai_pay._can_pay_draws(p, contracts, years, revenue, draws)
    to_come = p["contingent_tranche_probability"] * story.money_to_come_usd_bn(p)
    for i in range(2):
        terms = {"Microsoft Azure": draws["azure"][i], "CoreWeave": draws["coreweave"][i]}
        drawn = [dataclasses.replace(c, term_years=terms.get(c.provider, c.term_years))
                 for c in contracts]
        compute = of.annualised_commitments_usd_bn(drawn, years).sum(axis=1)
        table = of.sources_and_uses(revenue, compute, draws["other"][i],
                                    p["openai_cash_usd_bn"], to_come)
        assert rows["gap"][i] == of.funding_gap_usd_bn(table)
        assert (rows["probability"][i], rows["recovery"][i]) == of.renegotiation_risk(table)
        assert rows["coverage_min"][i] == np.min(table["coverage"])
    assert rows["gap"][0] != rows["gap"][1]  # the drawn terms and shares are used


def test_committed_compute_with_drawn_terms_hand_computed():
    contracts = [of.Contract("A", 300.0, 2027, 5), of.Contract("B", 10.0, 2026, 2.5)]
    years = range(2025, 2033)
    central = of.committed_compute_usd_bn(contracts, years)
    assert np.array_equal(central, of.annualised_commitments_usd_bn(contracts, years).sum(axis=1))
    drawn = of.committed_compute_usd_bn(contracts, years, {"B": np.array([2.5, 5.0])})
    # B over 5 years bills 2 a year 2026-2030; A's 60 a year 2027-2031 is unchanged
    assert_allclose(drawn, [[0, 4, 64, 62, 60, 60, 60, 0], [0, 2, 62, 62, 62, 62, 60, 0]],
                    rtol=1e-12)
