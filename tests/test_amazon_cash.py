"""Amazon's sources and uses of cash, and who pays for its AI spending: hand sums of the facts."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from valse.data.facts import load_facts
from valse.model import amazon_cash, labor_ramp, who_pays_cash
from valse.model.amazon_cash import CashYear
from valse.model.valuation import expected_investment_usd_bn

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "03_labor_costs.ipynb"


@pytest.fixture(scope="module")
def facts():
    return load_facts()


@pytest.fixture(scope="module")
def who_pays_params() -> dict:
    """The defaults of 03_labor_costs's parameters cell (the base scenario's)."""
    nb = json.loads(NOTEBOOK.read_text())
    cell = next(c for c in nb["cells"] if "parameters" in c["metadata"].get("tags", []))
    namespace: dict = {}
    exec("".join(cell["source"]), {}, namespace)  # the cell holds literals only
    return namespace


@pytest.fixture(scope="module")
def waves(facts):
    return labor_ramp.waves_from_facts(facts)


def _year_2026(facts, openai=None, payroll=0.0) -> CashYear:
    return CashYear(
        year=2026,
        operating_cash_flow_usd_bn=facts.value(
            "amazon_cash_assumption_operating_cash_flow_2026_usd_bn"
        ),
        payroll_savings_usd_bn=payroll,
        capex_usd_bn=facts.value("amazon_cash_assumption_capex_2026_usd_bn"),
        ai_share_of_capex=facts.value("labor_assumption_ai_share_of_capex"),
        openai_usd_bn=32.5 if openai is None else openai,
        anthropic_usd_bn=facts.value("amazon_anthropic_new_2026_04_usd_bn"),
        buybacks_dividends_usd_bn=facts.value("amazon_cash_assumption_buybacks_2026_usd_bn")
        + facts.value("amazon_cash_assumption_dividends_usd_bn"),
        borrowing_usd_bn=facts.value("amazon_term_loan_2026_06_usd_bn"),
    )


def test_the_2026_facts_are_the_ones_the_hand_sums_use(facts):
    # the hand sums below are written with these figures
    assert facts.value("amazon_cash_assumption_operating_cash_flow_2026_usd_bn") == 148.5
    assert facts.value("amazon_cash_assumption_operating_cash_flow_2026_usd_bn") == facts.value(
        "amazon_operating_cash_flow_ttm_q1_2026_usd_bn"
    )
    assert facts.value("amazon_cash_assumption_capex_2026_usd_bn") == facts.value(
        "amazon_capex_2026_guidance_usd_bn"
    )
    assert facts.value("amazon_term_loan_2026_06_usd_bn") == 17.5
    assert facts.value("amazon_anthropic_new_2026_04_usd_bn") == 5
    # the assumption's range is derived from facts, as its note says
    ocf = facts["amazon_cash_assumption_operating_cash_flow_2026_usd_bn"]
    assert ocf.low == facts.value("amazon_operating_cash_flow_2025_usd_bn")
    assert_allclose(ocf.high, 148.5 * 1.2, rtol=1e-12)
    capex = facts["amazon_cash_assumption_capex_2026_usd_bn"]
    assert_allclose(capex.low, 4 * facts.value("amazon_capex_q1_2026_usd_bn"), rtol=1e-12)


def test_sources_and_uses_2026_hand_sum(facts):
    year = _year_2026(facts, payroll=2.5)
    su = amazon_cash.sources_and_uses_usd_bn(year)
    # uses: capex 200 (160 AI at 0.8, 40 other) + OpenAI 32.5 + Anthropic 5 = 237.5
    assert_allclose(su["uses"]["ai_capex_usd_bn"], 160.0, rtol=1e-12)
    assert_allclose(su["uses"]["other_capex_usd_bn"], 40.0, rtol=1e-12)
    assert_allclose(sum(su["uses"].values()), 237.5, rtol=1e-12)
    # sources: 148.5 of operating cash (2.5 of it payroll savings) + 17.5 borrowed;
    # the gap 237.5 - 148.5 - 17.5 = 71.5 is drawn from the reserves
    assert_allclose(su["sources"]["operating_cash_customers_usd_bn"], 146.0, rtol=1e-12)
    assert_allclose(su["sources"]["operating_cash_payroll_savings_usd_bn"], 2.5, rtol=1e-12)
    assert_allclose(su["sources"]["cash_reserves_usd_bn"], 71.5, rtol=1e-12)
    assert su["uses"]["added_to_cash_usd_bn"] == 0
    assert_allclose(sum(su["sources"].values()), sum(su["uses"].values()), rtol=1e-12)


def test_sources_and_uses_2025_adds_the_surplus_to_cash(facts):
    year = CashYear(2025, 139.5, 0.0, 128.3, 0.8, 0.0, 1.4, 0.0, 15.0)
    su = amazon_cash.sources_and_uses_usd_bn(year)
    # 139.5 + 15 - (128.3 + 1.4) = 24.8 added to cash, nothing drawn
    assert_allclose(su["uses"]["added_to_cash_usd_bn"], 24.8, rtol=1e-12)
    assert su["sources"]["cash_reserves_usd_bn"] == 0
    # operating cash first: 139.5 - 25.66 of other capex covers the 104.04 of AI spending
    shares = amazon_cash.ai_funding_shares_pct(year)
    assert_allclose(shares["operating_cash_customers_usd_bn"], 100.0, rtol=1e-12)
    # pro rata: 104.04 x 15 / 154.5 borrowed
    parts = amazon_cash.ai_funding_usd_bn(year, "pro_rata")
    assert_allclose(parts["borrowing_usd_bn"], 104.04 * 15 / 154.5, rtol=1e-12)


def test_ai_funding_2026_hand_computed(facts):
    year = _year_2026(facts, payroll=2.5)
    # AI spending 160 + 32.5 + 5 = 197.5; operating cash left after the 40 of other capex:
    # 108.5; then the 17.5 borrowed; the reserves pay 197.5 - 108.5 - 17.5 = 71.5
    parts = amazon_cash.ai_funding_usd_bn(year, "operating_first")
    assert_allclose(sum(parts.values()), 197.5, rtol=1e-12)
    assert_allclose(parts["borrowing_usd_bn"], 17.5, rtol=1e-12)
    assert_allclose(parts["cash_reserves_usd_bn"], 71.5, rtol=1e-12)
    assert_allclose(parts["operating_cash_payroll_savings_usd_bn"], 108.5 * 2.5 / 148.5, rtol=1e-12)
    shares = amazon_cash.ai_funding_shares_pct(year)
    assert_allclose(shares["borrowing_usd_bn"], 100 * 17.5 / 197.5, rtol=1e-12)
    # pro rata over 237.5 of sources: borrowing 17.5 / 237.5 of the AI spending
    pro = amazon_cash.ai_funding_shares_pct(year, "pro_rata")
    assert_allclose(pro["borrowing_usd_bn"], 100 * 17.5 / 237.5, rtol=1e-12)
    assert_allclose(pro["cash_reserves_usd_bn"], 100 * 71.5 / 237.5, rtol=1e-12)
    with pytest.raises(ValueError, match="method"):
        amazon_cash.ai_funding_usd_bn(year, "fifo")


def test_openai_cash_is_the_expected_investment():
    # 15 + 0.5 x 35 = 32.5; the rumour's 50 at signing is 50 whatever the probability
    assert_allclose(amazon_cash.openai_cash_usd_bn(50, 15, 0.5), 32.5, rtol=1e-12)
    assert_allclose(amazon_cash.openai_cash_usd_bn(50, 50, 0.0), 50.0, rtol=1e-12)
    assert_allclose(
        amazon_cash.openai_cash_usd_bn(50, 15, 0.3),
        expected_investment_usd_bn(50, 15, 0.3),
        rtol=1e-12,
    )
    with pytest.raises(ValueError, match="amazon_upfront_usd_bn"):
        amazon_cash.openai_cash_usd_bn(10, 15, 0.5)


def test_cash_year_errors_name_the_field():
    with pytest.raises(ValueError, match="CashYear.capex_usd_bn"):
        CashYear(2026, 100, 0, -1, 0.8, 0, 0, 0, 0)
    with pytest.raises(ValueError, match="CashYear.ai_share_of_capex"):
        CashYear(2026, 100, 0, 10, 1.5, 0, 0, 0, 0)
    with pytest.raises(ValueError, match="payroll_savings_usd_bn"):
        CashYear(2026, 1, 2, 10, 0.5, 0, 0, 0, 0)


amount = st.floats(min_value=0, max_value=500, allow_nan=False)


@given(amount, amount, st.floats(0, 1), amount, amount, amount, amount)
def test_sources_and_uses_balance_and_ai_parts_add_up(
    ocf, capex, ai_share, openai, anth, back, debt
):
    year = CashYear(2026, ocf, 0.0, capex, ai_share, openai, anth, back, debt)
    su = amazon_cash.sources_and_uses_usd_bn(year)
    assert_allclose(sum(su["uses"].values()), sum(su["sources"].values()), rtol=1e-9, atol=1e-9)
    ai = amazon_cash.ai_spending_usd_bn(year)
    for method in ("operating_first", "pro_rata"):
        parts = amazon_cash.ai_funding_usd_bn(year, method)
        assert all(v >= -1e-9 for v in parts.values())
        assert_allclose(sum(parts.values()), ai, rtol=1e-9, atol=1e-9)


# --- the cash view of the cuts -------------------------------------------------------------


def test_year_fraction():
    assert labor_ramp.year_fraction(dt.date(2026, 1, 1)) == 2026.0
    assert_allclose(labor_ramp.year_fraction(dt.date(2025, 10, 28)), 2025 + 300 / 365, rtol=1e-12)
    with pytest.raises(TypeError, match="date"):
        labor_ramp.year_fraction("2025-10-28")


def test_net_cash_savings_hand_computed():
    # 30,000 roles x 180 k (225 less 45 of stock) x (1 - 0.1) = 4.86 bn a year
    assert_allclose(
        labor_ramp.net_cash_savings_usd_bn_per_year(30_000, 180.0, 0.1), 4.86, rtol=1e-12
    )
    with pytest.raises(ValueError, match="rehire_share"):
        labor_ramp.net_cash_savings_usd_bn_per_year(30_000, 180.0, 1.2)


def test_cash_savings_in_a_calendar_year_hand_computed():
    # one round of 12,000 roles announced at 2025.75 with 3 months' notice: they leave at
    # 2026.0 with 4 months of a 120 k salary; 2026 saves a full year of 100 k each
    waves = [(12_000, 2025.75)]
    got = labor_ramp.cash_savings_in_year_usd_bn(waves, 2026, 100.0, 3.0, 120.0, 4.0, 0.0)
    assert_allclose(got["gross_usd_bn"], 1.2, rtol=1e-12)
    assert_allclose(got["severance_usd_bn"], 12_000 * 120 * 4 / 12 / 1e6, rtol=1e-12)
    assert_allclose(got["net_usd_bn"], 1.2 - 0.48, rtol=1e-12)
    # 2025 saves nothing (the notice runs to the end of the year) and pays no severance
    got = labor_ramp.cash_savings_in_year_usd_bn(waves, 2025, 100.0, 3.0, 120.0, 4.0, 0.0)
    assert got == {"gross_usd_bn": 0.0, "severance_usd_bn": 0.0, "net_usd_bn": 0.0}
    # a round announced at 2026.25 leaves at 2026.5: half a year saved, net of 25% rehired
    got = labor_ramp.cash_savings_in_year_usd_bn(
        [(10_000, 2026.25)], 2026, 100.0, 3.0, 120.0, 0.0, 0.25
    )
    assert_allclose(got["gross_usd_bn"], 10_000 * 0.75 * 100 * 0.5 / 1e6, rtol=1e-12)


def test_scaled_waves_keep_dates_and_proportions():
    assert labor_ramp.scaled_waves([(14_000, 2025.8), (16_000, 2026.1)], 60_000) == [
        (28_000, 2025.8),
        (32_000, 2026.1),
    ]
    with pytest.raises(ValueError, match="waves"):
        labor_ramp.scaled_waves([(0, 2025.8)], 10)


# --- the notebook's figures from its parameters ---------------------------------------------


def test_who_pays_figures_base_hand_computed(who_pays_params, waves):
    fig = who_pays_cash.who_pays_figures(who_pays_params, waves)
    # a full year of cash savings: 30,000 x 180 k x 0.9 = 4.86; the expected investment
    # 15 + p x 35 (p = 0.5: 32.5 / 4.86 = 6.69 years; the fully loaded 50 / 6.75 = 7.41)
    prob = who_pays_params["contingent_tranche_probability"]
    openai = 15 + 35 * prob
    assert_allclose(fig["payroll_cash_savings_usd_bn_per_year"], 4.86, rtol=1e-12)
    assert_allclose(
        fig["years_of_cash_savings_to_match_expected_investment"], openai / 4.86, rtol=1e-12
    )
    assert_allclose(fig["years_of_cash_savings_to_match_upfront"], 15 / 4.86, rtol=1e-12)
    assert_allclose(fig["years_of_savings_to_match_investment"], 50 / 6.75, rtol=1e-12)
    # 4.86 against 2026 AI capex of 200 x 0.8 = 160
    assert_allclose(fig["payroll_share_of_ai_capex_2026_pct"], 100 * 4.86 / 160, rtol=1e-12)
    assert_allclose(
        fig["payroll_cash_savings_share_of_aws_operating_income_pct"], 100 * 4.86 / 45.6, rtol=1e-12
    )
    # 2026: the October round (14,000, announced 2025-10-28) leaves on 2026-01-27, the January
    # round (16,000, 2026-01-28) three months later; both severances (4 months of 130 k) fall
    # in 2026
    oct_, jan = waves
    saved = (14_000 * (2027 - oct_[1] - 0.25) + 16_000 * (2027 - jan[1] - 0.25)) * 0.9 * 180 / 1e6
    assert_allclose(fig["payroll_gross_cash_savings_2026_usd_bn"], saved, rtol=1e-12)
    assert_allclose(fig["payroll_severance_2026_usd_bn"], 30_000 * 130 * 4 / 12 / 1e6, rtol=1e-12)
    assert fig["payroll_net_cash_savings_2025_usd_bn"] == 0
    # borrowing pays 17.5 of the 160 + openai + 5 of AI spending (operating cash first); the
    # reserves the gap 200 + openai + 5 - 148.5 - 17.5
    ai = 160 + openai + 5
    assert_allclose(fig["amazon_ai_spending_funded_by_borrowing_pct"], 1750 / ai, rtol=1e-12)
    gap = 200 + openai + 5 - 148.5 - 17.5
    assert_allclose(
        fig["amazon_ai_spending_funded_by_cash_reserves_pct"], 100 * gap / ai, rtol=1e-12
    )


def test_who_pays_bands_contain_the_centre_and_are_seeded(who_pays_params, waves):
    names = (
        "payroll_cash_savings_usd_bn_per_year",
        "years_of_cash_savings_to_match_expected_investment",
        "payroll_share_of_ai_capex_2026_pct",
        "amazon_ai_spending_funded_by_borrowing_pct",
    )
    fig = who_pays_cash.who_pays_figures(who_pays_params, waves)
    bands = who_pays_cash.who_pays_bands(who_pays_params, waves, names, 2000, 20260227)
    for name in names:
        p10, p50, p90 = bands[name]
        assert p10 <= p50 <= p90, name
        assert p10 < fig[name] < p90, name
    assert bands == who_pays_cash.who_pays_bands(who_pays_params, waves, names, 2000, 20260227)
    # with every range closed the band collapses on the centre
    closed = dict(who_pays_params)
    for name in who_pays_cash.UNCERTAIN:
        closed[f"{name}_low"] = closed[f"{name}_high"] = closed[name]
    one = who_pays_cash.who_pays_bands(closed, waves, names, 50, 1)
    for name in names:
        assert_allclose(one[name], [fig[name]] * 3, rtol=1e-12)


def test_bands_refuse_a_centre_outside_its_range(who_pays_params, waves):
    bad = {**who_pays_params, "contingent_tranche_probability": 1.0}
    with pytest.raises(ValueError, match="contingent_tranche_probability_low <= "):
        who_pays_cash.who_pays_bands(bad, waves, ("payroll_cash_savings_usd_bn_per_year",), 10, 1)
