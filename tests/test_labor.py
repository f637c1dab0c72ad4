"""Labour costs: identities against hand computations, invariants, the panel, the notebook."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from valse.model import labor, labor_ramp, labor_yardsticks, uncertainty
from valse.model.deal import create_deal, headline_metrics

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "03_labor_costs.ipynb"
BASE_YAML = ROOT / "data" / "scenarios" / "base.yaml"
RUMOUR_YAML = ROOT / "data" / "scenarios" / "rumour.yaml"

amount = st.floats(min_value=0, max_value=1e4, allow_nan=False)
positive = st.floats(min_value=1e-3, max_value=1e4, allow_nan=False)
share = st.floats(min_value=0, max_value=1, allow_nan=False)
roles = st.integers(min_value=0, max_value=2_000_000)


# --- the cost of a role ------------------------------------------------------------------


def test_fully_loaded_cost_is_the_sum_of_its_parts():
    # 130 + 45 + 30 + 20 = 225
    assert_allclose(labor.fully_loaded_cost_per_role_usd_k(130, 45, 30, 20), 225.0, rtol=1e-12)
    # the cash part leaves the stock compensation out: 225 - 45 = 180
    assert_allclose(labor.cash_cost_per_role_usd_k(225, 45), 180.0, rtol=1e-12)
    # 30,000 roles at 130 + 45 + 30 + 20 = 225 k: 30,000 * 225 / 1e6 = 6.75 bn a year
    assert_allclose(
        labor.savings_from_parts_usd_bn_per_year(30_000, 130, 45, 30, 20), 6.75, rtol=1e-12
    )


def test_rescaled_parts_keep_their_proportions():
    parts, factor = labor.rescaled_cost_parts_usd_k({"a": 100.0, "b": 50.0}, 300.0)
    assert_allclose(factor, 2.0, rtol=1e-12)
    assert_allclose([parts["a"], parts["b"]], [200.0, 100.0], rtol=1e-12)
    with pytest.raises(ValueError, match="not all zero"):
        labor.rescaled_cost_parts_usd_k({"a": 0.0}, 10.0)


def test_cost_errors_name_the_parameter():
    with pytest.raises(ValueError, match="benefits_usd_k: expected a non-negative number"):
        labor.fully_loaded_cost_per_role_usd_k(100, 10, -1, 5)
    with pytest.raises(ValueError, match="stock_compensation_usd_k: expected at most"):
        labor.cash_cost_per_role_usd_k(100, 150)
    with pytest.raises(TypeError, match="salary_usd_k: expected a number"):
        labor.fully_loaded_cost_per_role_usd_k("lots", 10, 1, 5)


# --- DESIGN identities --------------------------------------------------------------------


def test_design_identities_hand_computed():
    # layoff_savings = roles * cost / 1e6: 30,000 * 225 / 1e6 = 6.75
    savings = labor.layoff_savings_usd_bn_per_year(30_000, 225.0)
    assert_allclose(savings, 6.75, rtol=1e-12)
    # years to match = investment / savings: 50 / 6.75 = 7.4074...
    assert_allclose(labor.years_of_savings_to_match(50.0, savings), 50 / 6.75, rtol=1e-12)
    # employee-years = 50e9 USD / 225e3 USD = 222,222.2
    assert_allclose(labor.employee_years_of_amount(50.0, 225.0), 222_222.2222222, rtol=1e-9)
    assert_allclose(labor.employee_years_of_amount(50.0, 250.0), 200_000.0, rtol=1e-12)
    # share of AI capex: 6.75 / (128.3 * 0.8) = 6.75 / 102.64 = 6.5764 %
    capex = labor.ai_capex_usd_bn(128.3, 0.8)
    assert_allclose(capex, 102.64, rtol=1e-12)
    assert_allclose(labor.savings_share_of_ai_capex_pct(savings, capex), 6.576383476, rtol=1e-9)


def test_labor_functions_agree_with_the_deal_headline_metrics():
    base = yaml.safe_load(BASE_YAML.read_text())
    m = headline_metrics(create_deal(base))
    savings = labor.layoff_savings_usd_bn_per_year(base["roles_cut"], base["cost_per_role_usd_k"])
    assert_allclose(m["layoff_savings_usd_bn_per_year"], savings, rtol=1e-12)
    assert_allclose(
        m["years_of_savings_to_match_investment"],
        base["amazon_investment_usd_bn"] / savings,
        rtol=1e-12,
    )


# --- severance and the ramp --------------------------------------------------------------


def test_severance_hand_computed():
    # 14,000 roles * 130 k * 4 / 12 months = 606.67 million
    assert_allclose(labor_ramp.severance_cost_usd_bn(14_000, 130.0, 4.0), 0.6066666667, rtol=1e-9)
    # a charge of 1.8 bn for 14,000 roles at 225 k: 12 * 1.8e6 / (14,000 * 225) = 6.857 months
    assert_allclose(labor_ramp.implied_severance_months(1.8, 14_000, 225.0), 6.857142857, rtol=1e-9)
    # round trip
    months = labor_ramp.implied_severance_months(
        labor_ramp.severance_cost_usd_bn(1234, 150.0, 5.5), 1234, 150.0
    )
    assert_allclose(months, 5.5, rtol=1e-12)
    with pytest.raises(ValueError, match="roles_cut and pay_usd_k"):
        labor_ramp.implied_severance_months(1.0, 0, 100.0)


@pytest.mark.parametrize(
    ("year", "notice", "expected"),
    [(1, 3, 9.0), (2, 3, 12.0), (1, 0, 12.0), (1, 15, 0.0), (2, 15, 9.0), (3, 15, 12.0)],
)
def test_months_saved_after_the_notice_period(year, notice, expected):
    assert labor_ramp.months_saved_in_year(year, notice) == expected


def test_ramp_and_net_savings_hand_computed():
    # year 1 saves 9 of 12 months after a 3-month notice: 6.75 * 0.75 = 5.0625
    assert_allclose(
        labor_ramp.savings_by_year_usd_bn(30_000, 225.0, 3.0, 3), [5.0625, 6.75, 6.75], rtol=1e-12
    )
    # severance 30,000 * 130 * 4 / 12 / 1e6 = 1.3; net over 3 years = 5.0625 + 13.5 - 1.3
    net = labor_ramp.net_savings_over_horizon_usd_bn(30_000, 225.0, 3.0, 4.0, 130.0, 3)
    assert_allclose(net, 17.2625, rtol=1e-12)
    # discounted at 10 %, savings at the end of each year, severance at the start
    disc = labor_ramp.net_savings_over_horizon_usd_bn(30_000, 225.0, 3.0, 4.0, 130.0, 3, 0.10)
    assert_allclose(disc, 5.0625 / 1.1 + 6.75 / 1.1**2 + 6.75 / 1.1**3 - 1.3, rtol=1e-12)
    # payback: 3 months of notice, then 130 * 4 / 225 = 2.311 months of full savings
    assert_allclose(
        labor_ramp.severance_payback_years(225.0, 3.0, 4.0, 130.0), (3 + 520 / 225) / 12, rtol=1e-12
    )


def test_ramp_refuses_bad_horizons():
    with pytest.raises(ValueError, match="horizon_years: expected an integer >= 1, found 0"):
        labor_ramp.savings_by_year_usd_bn(10, 100.0, 3.0, 0)
    with pytest.raises(TypeError, match="horizon_years: expected an integer"):
        labor_ramp.savings_by_year_usd_bn(10, 100.0, 3.0, 2.5)
    with pytest.raises(ValueError, match="year: expected an integer >= 1"):
        labor_ramp.months_saved_in_year(0, 3.0)


# --- break-even --------------------------------------------------------------------------


def test_annuity_factor_and_break_even_hand_computed():
    assert_allclose(labor_yardsticks.annuity_factor(0.0, 5), 5.0, rtol=1e-12)
    assert_allclose(
        labor_yardsticks.annuity_factor(0.1, 3), 1 / 1.1 + 1 / 1.21 + 1 / 1.331, rtol=1e-12
    )
    # 320,000 remaining at 225 k = 72 bn a year; over 5 years 360 bn; 50 / 360 = 13.89 %
    gain = labor_yardsticks.break_even_productivity_gain_pct(50.0, 320_000, 225.0, 5)
    assert_allclose(gain, 100 * 50 / 360, rtol=1e-12)
    # roles: 50 bn / 250 k = 200,000 employee-years; over 5 years 40,000 roles
    assert_allclose(labor_yardsticks.break_even_roles(50.0, 250.0, 1), 200_000.0, rtol=1e-12)
    assert_allclose(labor_yardsticks.break_even_roles(50.0, 250.0, 5), 40_000.0, rtol=1e-12)
    assert_allclose(
        labor_yardsticks.break_even_roles(50.0, 250.0, 3, 0.1),
        200_000 / (1 / 1.1 + 1 / 1.21 + 1 / 1.331),
    )
    with pytest.raises(ValueError, match="remaining_employees: expected a positive number"):
        labor_yardsticks.break_even_productivity_gain_pct(50.0, 0, 225.0, 5)


@given(spend=amount, staff=positive, cost=positive, years=st.integers(1, 30), r=share)
def test_break_even_gain_repays_the_spending(spend, staff, cost, years, r):
    gain = labor_yardsticks.break_even_productivity_gain_pct(spend, staff, cost, years, r)
    value = gain / 100 * staff * cost / 1e6 * labor_yardsticks.annuity_factor(r, years)
    assert_allclose(value, spend, rtol=1e-9, atol=1e-9)
    assert gain >= 0


# --- funding sources ---------------------------------------------------------------------


def test_funding_decomposition_hand_computed():
    # spending 100 against OCF 120 (of which payroll 20; customers 100, 60 % AWS), debt 30,
    # equity 10: sources 160, each pays 100 / 160 = 0.625 of itself
    parts = labor_yardsticks.funding_decomposition_usd_bn(100, 120, 0.6, 20, 30, 10)
    expected = [37.5, 25.0, 12.5, 18.75, 6.25, 0.0]
    assert_allclose(
        [parts[k] for k in labor_yardsticks.FUNDING_PARTS], expected, rtol=1e-12, atol=1e-12
    )
    # internal first: OCF pays everything, 100 / 120 of each of its parts
    parts = labor_yardsticks.funding_decomposition_usd_bn(
        100, 120, 0.6, 20, 30, 10, "internal_first"
    )
    expected = [50.0, 100 / 3, 50 / 3, 0.0, 0.0, 0.0]
    assert_allclose(
        [parts[k] for k in labor_yardsticks.FUNDING_PARTS], expected, rtol=1e-12, atol=1e-12
    )
    # spending 200 exceeds the 160 of sources: 40 from cash reserves, either way
    for method in ("pro_rata", "internal_first"):
        parts = labor_yardsticks.funding_decomposition_usd_bn(200, 120, 0.6, 20, 30, 10, method)
        expected = [60.0, 40.0, 20.0, 30.0, 10.0, 40.0]
        assert_allclose([parts[k] for k in labor_yardsticks.FUNDING_PARTS], expected, rtol=1e-12)


def test_funding_decomposition_errors_name_the_input():
    with pytest.raises(ValueError, match="payroll_savings_usd_bn: expected at most"):
        labor_yardsticks.funding_decomposition_usd_bn(100, 10, 0.5, 20, 0, 0)
    with pytest.raises(ValueError, match="aws_share_of_operating_cash_flow"):
        labor_yardsticks.funding_decomposition_usd_bn(100, 10, 1.5, 2, 0, 0)
    with pytest.raises(ValueError, match="method: expected 'pro_rata' or 'internal_first'"):
        labor_yardsticks.funding_decomposition_usd_bn(100, 10, 0.5, 2, 0, 0, "lifo")
    with pytest.raises(ValueError, match="debt_raised_usd_bn"):
        labor_yardsticks.funding_decomposition_usd_bn(100, 10, 0.5, 2, -1, 0)


@given(
    spend=amount,
    ocf=amount,
    aws=share,
    payroll_frac=share,
    debt=amount,
    equity=amount,
    method=st.sampled_from(["pro_rata", "internal_first"]),
)
def test_funding_parts_add_up_to_the_whole(spend, ocf, aws, payroll_frac, debt, equity, method):
    parts = labor_yardsticks.funding_decomposition_usd_bn(
        spend, ocf, aws, payroll_frac * ocf, debt, equity, method
    )
    assert list(parts) == list(labor_yardsticks.FUNDING_PARTS)
    assert all(v >= 0 for v in parts.values())
    assert_allclose(sum(parts.values()), spend, rtol=1e-9, atol=1e-9)
    shares = labor_yardsticks.funding_shares_pct(parts)
    assert all(0 <= s <= 100 + 1e-9 for s in shares.values())
    if spend > 0:
        assert_allclose(sum(shares.values()), 100.0, rtol=1e-9)


def test_operating_income_share():
    assert_allclose(labor.operating_income_share(45.6, 80.0), 0.57, rtol=1e-12)
    assert labor.operating_income_share(90.0, 80.0) == 1.0
    with pytest.raises(ValueError, match="total_usd_bn"):
        labor.operating_income_share(1.0, 0.0)


# --- invariants --------------------------------------------------------------------------


@given(r1=roles, r2=roles, cost=positive)
def test_savings_grow_with_roles(r1, r2, cost):
    lo, hi = sorted((r1, r2))
    assert labor.layoff_savings_usd_bn_per_year(lo, cost) <= labor.layoff_savings_usd_bn_per_year(
        hi, cost
    )


@given(n=roles, c1=positive, c2=positive)
def test_savings_grow_with_cost(n, c1, c2):
    lo, hi = sorted((c1, c2))
    assert labor.layoff_savings_usd_bn_per_year(n, lo) <= labor.layoff_savings_usd_bn_per_year(
        n, hi
    )


@given(
    n=roles,
    parts=st.tuples(positive, positive, positive, positive),
    which=st.integers(0, 3),
    bump=positive,
)
def test_savings_grow_with_each_cost_part(n, parts, which, bump):
    more = list(parts)
    more[which] += bump
    assert labor.savings_from_parts_usd_bn_per_year(
        n, *parts
    ) <= labor.savings_from_parts_usd_bn_per_year(n, *more)


@given(savings=amount, extra=amount)
def test_savings_share_of_capex_is_a_share(savings, extra):
    share_pct = labor.savings_share_of_ai_capex_pct(savings, savings + extra)
    assert 0.0 <= share_pct <= 100.0 + 1e-9


@given(
    n=roles,
    cost=positive,
    notice=st.floats(0, 24),
    months=st.floats(0, 24),
    horizon=st.integers(1, 20),
)
def test_net_savings_grow_with_the_horizon_and_stay_below_the_full_savings(
    n, cost, notice, months, horizon
):
    pay = 0.6 * cost
    shorter = labor_ramp.net_savings_over_horizon_usd_bn(n, cost, notice, months, pay, horizon)
    longer = labor_ramp.net_savings_over_horizon_usd_bn(n, cost, notice, months, pay, horizon + 1)
    tol = 1e-9 * max(1.0, n * cost / 1e6 * horizon)
    assert shorter <= longer + tol
    assert shorter <= horizon * labor.layoff_savings_usd_bn_per_year(n, cost) + tol


def test_monte_carlo_with_fixed_parts_gives_the_hand_value():
    base = dict(
        roles_cut=30_000,
        salary_usd_k=130.0,
        stock_compensation_usd_k=45.0,
        benefits_usd_k=30.0,
        overhead_usd_k=20.0,
    )
    ranges = {k: (v, v) for k, v in base.items() if k != "roles_cut"}
    draws = uncertainty.monte_carlo(
        labor.savings_from_parts_usd_bn_per_year, base, ranges, n=50, seed=1
    )
    assert_allclose(draws, 6.75, rtol=1e-12)
    wide = {k: (0.5 * base[k], 1.5 * base[k]) for k in ranges}
    draws = uncertainty.monte_carlo(
        labor.savings_from_parts_usd_bn_per_year, base, wide, n=2000, seed=1
    )
    p10, p50, p90 = uncertainty.p10_p50_p90(draws)
    # symmetric triangular laws around the central parts: the median stays near 6.75
    assert p10 < 6.75 < p90
    assert_allclose(p50, 6.75, rtol=0.02)


def test_cuts_against_capex_table():
    table = labor_yardsticks.cuts_against_capex(
        [("Microsoft", 15_000, 88.0), ("Alphabet", None, 180.0)], 225.0
    )
    # 15,000 * 225 / 1e6 = 3.375 bn; / 88 = 3.835 %
    assert_allclose(table.loc["Microsoft", "savings (USD bn per year)"], 3.375, rtol=1e-12)
    assert_allclose(table.loc["Microsoft", "savings / capex (%)"], 100 * 3.375 / 88, rtol=1e-12)
    assert math.isnan(table.loc["Alphabet", "savings / capex (%)"])


# --- the panel ---------------------------------------------------------------------------

CONTEXT = dict(
    amazon_investment_usd_bn=50.0,
    ai_capex_usd_bn=102.64,
    notice_months=3.0,
    severance_months=4.0,
    salary_share_of_cost=130 / 225,
    corporate_employees=350_000,
    discount_rate=0.09,
)


def test_panel_follows_its_sliders():
    import ipywidgets  # noqa: F401 - a dependency: fail, never skip, when missing

    from valse.report.explore_labor import labor_panel

    panel = labor_panel(
        {"roles_cut": 30_000, "cost_per_role_usd_k": 225.0, "horizon_years": 5},
        CONTEXT,
        draw=False,
    )
    assert set(panel.sliders) == {"roles_cut", "cost_per_role_usd_k", "horizon_years"}
    assert_allclose(panel.figures["layoff_savings_usd_bn_per_year"], 6.75, rtol=1e-12)
    panel.sliders["roles_cut"].value = 14_000
    panel.sliders["cost_per_role_usd_k"].value = 300.0
    panel.sliders["horizon_years"].value = 3
    # by hand: 14,000 * 300 / 1e6 = 4.2 bn a year; 50 / 4.2 years; 50e6 / 300 employee-years
    assert_allclose(panel.figures["layoff_savings_usd_bn_per_year"], 4.2, rtol=1e-12)
    assert_allclose(panel.figures["years_of_savings_to_match_investment"], 50 / 4.2, rtol=1e-12)
    assert_allclose(panel.figures["investment_in_employee_years"], 50e6 / 300, rtol=1e-12)
    assert_allclose(panel.figures["savings_share_of_ai_capex_pct"], 420 / 102.64, rtol=1e-12)
    # 3 years: 4.2 * (0.75 + 1 + 1) minus severance 14,000 * 300 * 130/225 * 4 / 12 / 1e6
    net = 4.2 * 2.75 - 14_000 * 300 * (130 / 225) * 4 / 12 / 1e6
    assert_allclose(panel.figures["net_savings_over_horizon_usd_bn"], net, rtol=1e-12)
    expected_gain = labor_yardsticks.break_even_productivity_gain_pct(
        102.64, 336_000, 300.0, 3, 0.09
    )
    assert_allclose(panel.figures["break_even_productivity_gain_pct"], expected_gain, rtol=1e-12)
    assert "4.2" in panel.table.value
    # the cash figures appear when the cash share of the cost is given:
    # 14,000 x 300 x 0.8 x (1 - 0.1) / 1e6 = 3.024 bn a year; 32.5 / 3.024 years
    cash = labor_panel(
        {"roles_cut": 14_000, "cost_per_role_usd_k": 300.0, "horizon_years": 3},
        {**CONTEXT, "cash_share_of_cost": 0.8, "rehire_share": 0.1,
         "expected_investment_usd_bn": 32.5},
        draw=False,
    )  # fmt: skip
    assert_allclose(cash.figures["payroll_cash_savings_usd_bn_per_year"], 3.024, rtol=1e-12)
    assert_allclose(
        cash.figures["years_of_cash_savings_to_match_expected_investment"], 32.5 / 3.024, rtol=1e-12
    )
    assert "payroll_cash_savings_usd_bn_per_year" not in panel.figures


def test_panel_draws_its_chart():
    import ipywidgets  # noqa: F401 - a dependency: fail, never skip, when missing
    import matplotlib

    matplotlib.use("Agg")
    from valse.report.explore_labor import labor_panel

    panel = labor_panel(
        {"roles_cut": 30_000, "cost_per_role_usd_k": 225.0, "horizon_years": 5}, CONTEXT
    )
    panel.sliders["horizon_years"].value = 8
    assert_allclose(
        panel.figures["net_savings_over_horizon_usd_bn"],
        labor_ramp.net_savings_over_horizon_usd_bn(30_000, 225.0, 3.0, 4.0, 130.0, 8),
        rtol=1e-12,
    )


# --- the notebook ------------------------------------------------------------------------


def _parameters_cell(nb: dict) -> dict[str, object]:
    cell = next(c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", []))
    namespace: dict[str, object] = {}
    exec("".join(cell["source"]), {}, namespace)  # the cell holds literals only
    return namespace


@pytest.fixture(scope="module")
def defaults() -> dict[str, object]:
    return _parameters_cell(json.loads(NOTEBOOK.read_text()))


def test_cost_parts_add_up_to_the_base_cost_per_role(defaults):
    base = yaml.safe_load(BASE_YAML.read_text())
    parts = [defaults[name] for name in labor.COST_PARTS]
    assert_allclose(sum(parts), defaults["cost_per_role_usd_k"], rtol=1e-12)
    assert_allclose(sum(parts), base["cost_per_role_usd_k"], rtol=1e-12)
    for name in labor.COST_PARTS:
        assert defaults[f"{name}_low"] <= defaults[name] <= defaults[f"{name}_high"], name


def test_notebook_defaults_equal_the_facts_they_name(defaults):
    from valse.data.checks import evaluate
    from valse.data.facts import load_facts
    from valse.data.nbparams import notebook_parameters
    from valse.data.parameters import registry

    facts = load_facts()
    # the fact behind each default is the parameter registry's (valse.data.parameters)
    cited = [(p.name, registry()[p.name].fact) for p in notebook_parameters(NOTEBOOK)
             if registry()[p.name].fact]
    assert len(cited) >= 20
    for name, expression in cited:
        assert_allclose(defaults[name], evaluate(expression, facts), rtol=1e-12, err_msg=name)
    # the notice period is given in days: 90 days = 3 months of 30 days
    assert_allclose(defaults["notice_months"] * 30, facts.value("labor_amazon_notice_days_count"))


def test_cost_part_facts_add_up_to_the_cost_fact():
    from valse.data.facts import load_facts

    facts = load_facts()
    ids = [f"labor_{name.removesuffix('_usd_k')}_per_role_usd_k" for name in labor.COST_PARTS]
    assert_allclose(
        sum(facts.value(i) for i in ids), facts.value("assumption_cost_per_role_usd_k"), rtol=1e-12
    )


def _parameters(tmp_path, parameters):
    """03's parameters in these tests: fewer draws, an artifacts folder, then ``parameters``."""
    return {"draws": 200, "artifacts_dir": str(tmp_path / "artifacts"), **parameters}


REQUIRED = (
    "layoff_savings_usd_bn_per_year",
    "years_of_savings_to_match_investment",
    "savings_share_of_ai_capex_pct",
    "investment_in_employee_years",
)


@pytest.mark.notebook
def test_notebook_base_scenario(tmp_path, defaults, run_notebook):
    got = run_notebook(NOTEBOOK, _parameters(tmp_path, {})).records
    assert set(REQUIRED) <= set(got)
    savings = labor.layoff_savings_usd_bn_per_year(
        defaults["roles_cut"], defaults["cost_per_role_usd_k"]
    )
    assert_allclose(got["layoff_savings_usd_bn_per_year"]["value"], savings, rtol=1e-12)
    rec = got["layoff_savings_usd_bn_per_year"]
    assert rec["p10"] <= rec["p50"] <= rec["p90"]
    assert rec["p10"] < savings < rec["p90"]
    assert_allclose(
        got["years_of_savings_to_match_investment"]["value"],
        defaults["amazon_investment_usd_bn"] / savings,
        rtol=1e-12,
    )
    capex = labor.ai_capex_usd_bn(defaults["amazon_capex_usd_bn"], defaults["ai_share_of_capex"])
    assert_allclose(
        got["savings_share_of_ai_capex_pct"]["value"],
        labor.savings_share_of_ai_capex_pct(savings, capex),
        rtol=1e-12,
    )
    assert_allclose(
        got["investment_in_employee_years"]["value"],
        defaults["amazon_investment_usd_bn"] * 1e6 / defaults["cost_per_role_usd_k"],
        rtol=1e-12,
    )
    # the reported deal pays 15 at signing: 15 / 6.75 = 2.22 years
    assert_allclose(
        got["years_of_savings_to_match_upfront"]["value"],
        defaults["amazon_upfront_usd_bn"] / savings,
        rtol=1e-12,
    )
    for rec in got.values():
        assert rec["sources"], f"{rec['name']} names no source"
    assert (tmp_path / "artifacts" / "funding_sources.csv").exists()
    # who pays in 2026, by hand: cash savings 30,000 x 180 k x (1 - 0.1) = 4.86 a year;
    # AI spending 200 x 0.8 + (15 + p x 35) + 5, of which 17.5 borrowed
    from valse.report import who_pays

    openai = 15 + 35 * defaults["contingent_tranche_probability"]
    assert set(who_pays.METRICS) <= set(got)
    assert_allclose(got["payroll_cash_savings_usd_bn_per_year"]["value"], 4.86, rtol=1e-12)
    assert_allclose(
        got["years_of_cash_savings_to_match_expected_investment"]["value"],
        openai / 4.86,
        rtol=1e-12,
    )
    assert_allclose(got["payroll_share_of_ai_capex_2026_pct"]["value"], 486 / 160, rtol=1e-12)
    assert_allclose(
        got["amazon_ai_spending_funded_by_borrowing_pct"]["value"],
        1750 / (165 + openai),
        rtol=1e-12,
    )
    for name in who_pays.METRICS:
        rec = got[name]
        assert rec["p10"] <= rec["value"] <= rec["p90"], name
    assert (tmp_path / "artifacts" / "sources_and_uses_2025_2026.csv").exists()


@pytest.mark.notebook
def test_notebook_rumour_scenario(tmp_path, run_notebook):
    rumour = yaml.safe_load(RUMOUR_YAML.read_text())
    keys = (
        "amazon_investment_usd_bn",
        "amazon_upfront_usd_bn",
        "contingent_tranche_probability",
        "aws_services_usd_bn",
        "contract_years",
        "roles_cut",
        "cost_per_role_usd_k",
        "contingent_tranche_probability_low",
        "contingent_tranche_probability_high",
        "seed",
    )
    params = {k: rumour[k] for k in keys}
    params.update(
        scenario_name="rumour",
        cost_per_role_usd_k=300.0,  # off the parts' sum: the notebook rescales the parts
    )
    got = run_notebook(NOTEBOOK, _parameters(tmp_path, params)).records
    assert set(REQUIRED) <= set(got)
    savings = labor.layoff_savings_usd_bn_per_year(rumour["roles_cut"], 300.0)
    assert_allclose(got["layoff_savings_usd_bn_per_year"]["value"], savings, rtol=1e-12)
    rec = got["layoff_savings_usd_bn_per_year"]
    assert rec["p10"] < savings < rec["p90"]
    assert_allclose(
        got["investment_in_employee_years"]["value"],
        rumour["amazon_investment_usd_bn"] * 1e6 / 300.0,
        rtol=1e-12,
    )
    assert np.isfinite(got["years_of_savings_to_match_investment"]["value"])
    # the rumour pays everything at signing: 50 / (30,000 * 300 / 1e6) = 5.56 years
    assert_allclose(got["years_of_savings_to_match_upfront"]["value"], 50 / 9.0, rtol=1e-12)
    # all 50 paid to OpenAI in 2026: AI spending 160 + 50 + 5 = 215, of which 17.5 borrowed
    assert_allclose(
        got["amazon_ai_spending_funded_by_borrowing_pct"]["value"], 1750 / 215, rtol=1e-12
    )


def test_panel_chart_shows_the_savings_of_each_year():
    from valse.report.explore_labor import labor_panel

    panel = labor_panel(
        {"roles_cut": 30_000, "cost_per_role_usd_k": 225.0, "horizon_years": 2}, CONTEXT
    )
    html = panel.chart.value
    # by hand: severance = 30,000 roles x (130 k x 4 / 12) = USD 1.3 bn, paid before savings;
    # 30,000 x 225 k = 6.75 bn a year, of which 9 of 12 months in year 1 (3 months' notice):
    # -1.3 + 5.0625 = 3.76 after one year, + 6.75 = 10.51 after two
    assert "saved after 0 years: −1.3" in html
    assert "saved after 1 year: 3.8" in html
    assert "saved after 2 years: 10.5" in html
    assert "saved after 3 years" not in html
    panel.sliders["horizon_years"].value = 4
    assert "saved after 4 years: 24.0" in panel.chart.value


def test_one_off_cost_of_a_cut_role_and_reported_charge_per_role():
    # by hand: 3 months of a 225 k role = 56.25 k, plus 4 months of 130 k pay = 43.33 k
    assert_allclose(
        labor_ramp.one_off_cost_per_cut_role_usd_k(225.0, 3.0, 130.0, 4.0),
        56.25 + 130.0 * 4 / 12,
        rtol=1e-12,
    )
    # USD 1.8 bn over 14,000 roles = 128.57 k a role
    assert_allclose(labor_ramp.charge_per_role_usd_k(1.8, 14_000), 1.8e6 / 14_000, rtol=1e-12)
    with pytest.raises(ValueError, match="roles_cut"):
        labor_ramp.charge_per_role_usd_k(1.8, 0)
    with pytest.raises(ValueError, match="notice_months"):
        labor_ramp.one_off_cost_per_cut_role_usd_k(225.0, -1.0, 130.0, 4.0)


@pytest.mark.parametrize(
    ("value", "error"),
    [(-1.0, ValueError), (float("nan"), ValueError), (-0.5, ValueError),
     (np.float64(-2), ValueError), (float("-inf"), ValueError), (True, TypeError),
     ("1", TypeError), (None, TypeError)],
)
def test_check_non_negative_refuses_and_names_the_value(value, error):
    with pytest.raises(error, match="^roles_cut: expected"):
        labor.check_non_negative(roles_cut=value)


@pytest.mark.parametrize("value", [0.0, -0.0, 1.5, float("inf"), 0, 3, np.float64(2), np.int64(4)])
def test_check_non_negative_accepts_non_negative_numbers(value):
    assert labor.check_non_negative(roles_cut=value, other=1.0) is None
