"""Valuation: round arithmetic, cap table, tranches, IPO values, DCF, multiples, the panel
and the 01_valuation notebook end to end."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from scipy.optimize import brentq

from valse.data.comparables import (
    COLUMNS,
    ComparablesError,
    load_comparables,
    multiple_quantiles_x,
)
from valse.model import cloud, gordon, ipo, multiples, valuation

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "01_valuation.ipynb"

pos = st.floats(min_value=0.1, max_value=5e3, allow_nan=False)
share = st.floats(min_value=0, max_value=1, allow_nan=False)


# --- round arithmetic ---------------------------------------------------------------------


def test_post_money_and_dilution_hand_computed():
    assert_allclose(valuation.post_money_valuation_usd_bn(730, 122), 852, rtol=1e-12)
    assert_allclose(valuation.dilution_factor(80, 20), 0.8, rtol=1e-12)
    # Microsoft's 27 % through the reported round: 27 × 730 / 852
    assert_allclose(valuation.diluted_stake_pct(27, 730, 122), 19710 / 852, rtol=1e-12)


def test_cap_table_hand_computed_round_numbers():
    before = valuation.holdings_before_round_pct({"A": 30.0, "B": 20.0}, "rest")
    assert before == {"A": 30.0, "B": 20.0, "rest": 50.0}
    after = valuation.cap_table_after_round_pct(before, {"C": 15.0, "D": 5.0}, 80.0)
    # post = 80 + 20 = 100: old holders keep 80 %, C gets 15 %, D 5 %
    expected = {"A": 24.0, "B": 16.0, "rest": 40.0, "C": 15.0, "D": 5.0}
    assert list(after) == list(expected)
    for name, value in expected.items():
        assert_allclose(after[name], value, rtol=1e-12, err_msg=name)


def test_cap_table_reported_round():
    before = valuation.holdings_before_round_pct(
        {"Microsoft": 27.0, "OpenAI Foundation": 26.0}, "Employees and other investors"
    )
    assert_allclose(before["Employees and other investors"], 47.0, rtol=1e-12)
    new = valuation.round_allocation_usd_bn(
        122.0, 50.0, "Amazon", {"NVIDIA": 30.0, "SoftBank": 30.0}, "Others"
    )
    assert new == {"Amazon": 50.0, "NVIDIA": 30.0, "SoftBank": 30.0, "Others": 12.0}
    after = valuation.cap_table_after_round_pct(before, new, 730.0)
    assert_allclose(after["Amazon"], 100 * 50 / 852, rtol=1e-12)
    assert_allclose(after["Microsoft"], 27 * 730 / 852, rtol=1e-12)
    assert_allclose(after["Others"], 100 * 12 / 852, rtol=1e-12)
    assert_allclose(sum(after.values()), 100.0, rtol=1e-12)


def test_holder_on_both_sides_gets_the_sum():
    after = valuation.cap_table_after_round_pct({"X": 50.0, "Y": 50.0}, {"X": 25.0}, 75.0)
    assert_allclose(after["X"], 50 * 0.75 + 25.0, rtol=1e-12)
    assert_allclose(after["Y"], 37.5, rtol=1e-12)


def test_round_allocation_scales_named_investors_when_round_too_small():
    # the rumour's 100 round cannot hold Amazon 50 + NVIDIA 30 + SoftBank 30
    new = valuation.round_allocation_usd_bn(
        100.0, 50.0, "Amazon", {"NVIDIA": 30.0, "SoftBank": 30.0}, "Others"
    )
    assert_allclose([new["NVIDIA"], new["SoftBank"], new["Others"]], [25.0, 25.0, 0.0])


@settings(max_examples=200, deadline=None)
@given(
    a=st.floats(0, 40),
    b=st.floats(0, 40),
    pre=pos,
    amounts=st.lists(st.floats(0, 500, allow_nan=False), min_size=1, max_size=5),
)
def test_cap_table_sums_to_100_and_dilutes(a, b, pre, amounts):
    before = valuation.holdings_before_round_pct({"a": a, "b": b}, "rest")
    new = {f"n{i}": x for i, x in enumerate(amounts)}
    after = valuation.cap_table_after_round_pct(before, new, pre)
    assert_allclose(sum(after.values()), 100.0, rtol=1e-9)
    for name in before:
        assert after[name] <= before[name] + 1e-12


@settings(max_examples=200, deadline=None)
@given(
    round_size=st.floats(0, 500),
    lead_share=share,
    named=st.lists(st.floats(0, 300, allow_nan=False), max_size=4),
)
def test_round_allocation_sums_to_round(round_size, lead_share, named):
    new = valuation.round_allocation_usd_bn(
        round_size, lead_share * round_size, "L", {f"n{i}": x for i, x in enumerate(named)}, "O"
    )
    assert_allclose(sum(new.values()), round_size, rtol=1e-9, atol=1e-9)
    assert all(v >= 0 for v in new.values())


# --- tranches -------------------------------------------------------------------------------


def test_tranche_stakes_hand_computed():
    # all paid: 50 / 852; only the 15 at signing: 15 / (730 + 122 - 35) = 15 / 817
    missed = valuation.stake_if_milestones_missed_pct(50, 15, 122, 730)
    assert_allclose(missed, 100 * 15 / 817, rtol=1e-12)
    expected = valuation.expected_stake_pct(50, 15, 0.5, 122, 730)
    assert_allclose(expected, 0.5 * 100 * 50 / 852 + 0.5 * 100 * 15 / 817, rtol=1e-12)
    # nothing contingent (the rumour): the probability has no effect
    for p in (0.0, 0.3, 1.0):
        assert_allclose(valuation.expected_stake_pct(50, 50, p, 100, 730), 100 * 50 / 830)


@settings(max_examples=200, deadline=None)
@given(commit=pos, up_share=share, p=share, extra=st.floats(0, 500), pre=pos)
def test_expected_stake_between_missed_and_paid(commit, up_share, p, extra, pre):
    upfront = up_share * commit
    round_size = commit + extra
    paid = valuation.stake_pct(commit, pre + round_size)
    missed = valuation.stake_if_milestones_missed_pct(commit, upfront, round_size, pre)
    exp = valuation.expected_stake_pct(commit, upfront, p, round_size, pre)
    assert missed <= exp * (1 + 1e-12) + 1e-12
    assert exp <= paid * (1 + 1e-12) + 1e-12
    amount = valuation.expected_investment_usd_bn(commit, upfront, p)
    assert upfront - 1e-9 <= amount <= commit + 1e-9


# --- effective price ------------------------------------------------------------------------


def test_effective_discount_base_and_rumour():
    # base: economic cost 50 - 0.3 × 100 = 20 → 100 × (1 - 20/50) = 60 %
    cost = cloud.economic_cost_usd_bn(50, 100, 0.3)
    assert_allclose(valuation.effective_stake_price_discount_pct(50, cost), 60.0, rtol=1e-12)
    # rumour: 50 - 0.3 × 38 = 38.6 → 22.8 %
    cost = cloud.economic_cost_usd_bn(50, 38, 0.3)
    assert_allclose(valuation.effective_stake_price_discount_pct(50, cost), 22.8, rtol=1e-12)


# --- IPO ------------------------------------------------------------------------------------


def test_ipo_values_hand_computed():
    assert_allclose(ipo.ipo_dilution_fraction(60, 1000), 0.06, rtol=1e-12)
    assert_allclose(ipo.stake_value_at_ipo_usd_bn(10, 1000, 0.1), 90.0, rtol=1e-12)
    assert_allclose(ipo.multiple_on_investment_x(90, 50), 1.8, rtol=1e-12)
    value = ipo.expected_stake_value_at_ipo_usd_bn(50, 15, 0.5, 122, 730, 1000, 0.06)
    stake = 0.5 * 100 * 50 / 852 + 0.5 * 100 * 15 / 817
    assert_allclose(value, stake * 0.94 * 10, rtol=1e-12)


def test_breakeven_ipo_valuation_hand_computed():
    # a 5 % stake diluted by 10 % at the IPO is worth 50 when 0.045 × V = 50 → V = 1111.1
    v = ipo.breakeven_ipo_valuation_usd_bn(50, 5, 0.1)
    assert_allclose(v, 50 / 0.045, rtol=1e-12)
    assert_allclose(ipo.stake_value_at_ipo_usd_bn(5, v, 0.1), 50, rtol=1e-12)


def test_ipo_errors_name_the_parameter():
    with pytest.raises(ValueError, match=r"ipo_dilution must be in \[0, 1\), found 1.2"):
        ipo.stake_value_at_ipo_usd_bn(5, 1000, 1.2)
    with pytest.raises(ValueError, match="ipo_valuation_usd_bn must be positive"):
        ipo.ipo_dilution_fraction(10, 0)


# --- DCF ------------------------------------------------------------------------------------

DCF = dict(
    operating_margin=0.3,
    tax_rate=0.2,
    discount_rate=0.1,
    terminal_growth=0.02,
    reinvestment_rate=0.25,
    years_to_target=2,
)


def test_gordon_against_formula():
    assert_allclose(gordon.gordon_terminal_value_usd_bn(10, 0.1, 0.02), 125.0, rtol=1e-12)
    # sum of the growing perpetuity, truncated far out, converges to the formula
    total = sum(10 * 1.02**t / 1.1 ** (t + 1) for t in range(3000))
    assert_allclose(total, 125.0, rtol=1e-9)


def test_forward_dcf_hand_computed():
    # FCF next year = 100 × 1.02 × 0.3 × 0.8 × 0.75 = 18.36; TV = 18.36 / 0.08 = 229.5;
    # PV = 229.5 / 1.1² = 189.669...
    assert_allclose(gordon.dcf_value_usd_bn(100, **DCF), 229.5 / 1.21, rtol=1e-12)


def test_reverse_dcf_inverts_forward_with_brentq():
    target = 852.0
    closed = gordon.required_revenue_usd_bn(target, **DCF)
    root = brentq(lambda r: gordon.dcf_value_usd_bn(r, **DCF) - target, 1e-6, 1e6, xtol=1e-12)
    assert_allclose(closed, root, rtol=1e-9)
    assert_allclose(gordon.dcf_value_usd_bn(closed, **DCF), target, rtol=1e-12)


@settings(max_examples=300, deadline=None)
@given(
    value=pos,
    margin=st.floats(0.01, 0.9),
    tax=st.floats(0, 0.5),
    r=st.floats(0.03, 0.3),
    g_share=st.floats(0, 0.9),
    reinv=st.floats(0, 0.9),
    years=st.integers(0, 15),
)
def test_reverse_dcf_round_trip_and_monotone(value, margin, tax, r, g_share, reinv, years):
    kw = dict(
        operating_margin=margin,
        tax_rate=tax,
        discount_rate=r,
        terminal_growth=g_share * r,
        reinvestment_rate=reinv,
        years_to_target=years,
    )
    revenue = gordon.required_revenue_usd_bn(value, **kw)
    assert_allclose(gordon.dcf_value_usd_bn(revenue, **kw), value, rtol=1e-9)
    assert gordon.required_revenue_usd_bn(2 * value, **kw) > revenue
    assert gordon.required_revenue_usd_bn(value, **{**kw, "years_to_target": years + 1}) > (
        revenue
    )


def test_dcf_errors_name_the_parameter():
    with pytest.raises(ValueError, match=r"terminal_growth \(0.1\) must be below"):
        gordon.gordon_terminal_value_usd_bn(1, 0.1, 0.1)
    with pytest.raises(ValueError, match=r"operating_margin must be in \[0, 1\], found 1.5"):
        gordon.free_cash_flow_usd_bn(10, 1.5, 0.2, 0.2)
    with pytest.raises(ValueError, match="years must be positive"):
        gordon.implied_revenue_growth_per_year(10, 20, 0)


def test_implied_growth_hand_computed():
    assert_allclose(gordon.implied_revenue_growth_per_year(10, 40, 2), 1.0, rtol=1e-12)
    assert_allclose(gordon.implied_revenue_growth_per_year(13.1, 13.1, 5), 0.0, atol=1e-15)


def test_multiples_hand_computed():
    assert_allclose(multiples.ev_to_revenue_x(3250, 153), 3250 / 153, rtol=1e-12)
    assert_allclose(multiples.valuation_at_multiple_usd_bn(25, 13.2), 330.0, rtol=1e-12)


def test_holdings_errors_name_the_rows():
    with pytest.raises(ValueError, match=r"sum to at most 100 %, found 110 % \(A 60, B 50\)"):
        valuation.holdings_before_round_pct({"A": 60.0, "B": 50.0}, "rest")
    with pytest.raises(ValueError, match=r"Amazon's investment \(60\) cannot exceed"):
        valuation.round_allocation_usd_bn(50.0, 60.0, "Amazon", {}, "Others")


# --- comparables ----------------------------------------------------------------------------


def test_comparables_file_loads_and_multiples_follow_ev_over_revenue():
    comps = load_comparables()
    assert len(comps) >= 5
    assert (comps["ev_to_revenue_x"] > 0).all()
    assert_allclose(comps.loc["NVIDIA", "ev_to_revenue_x"], 3250 / 153, rtol=1e-12)
    assert comps.loc["NVIDIA", "multiple_from"] == "computed"
    assert comps["url"].str.startswith("https://").all()
    lo, mid, hi = multiple_quantiles_x(comps["ev_to_revenue_x"])
    assert lo <= mid <= hi


def test_multiple_quantiles_hand_computed():
    assert multiple_quantiles_x([1.0, 2.0, 3.0, 4.0, 5.0]) == (2.0, 3.0, 4.0)


GOOD = (
    "Acme,ACM,software,110,100,20,LTM,,2025-05-01,reported,Example data,Acme page,,"
    "https://example.org/acme,a note,,,,,,,,"
)


HEADER = ",".join(COLUMNS)


def _write(tmp_path, *rows, header=HEADER):
    path = tmp_path / "comparables.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def test_comparables_good_fixture(tmp_path):
    comps = load_comparables(_write(tmp_path, GOOD))
    assert_allclose(comps.loc["Acme", "ev_to_revenue_x"], 5.0, rtol=1e-12)


@pytest.mark.parametrize(
    ("row", "column", "expected", "found"),
    [
        (
            GOOD.replace(",100,20,", ",100,20bn,"),
            "revenue_usd_bn",
            "a positive plain number",
            "20bn",
        ),
        (GOOD.replace(",100,20,LTM,,", ",100,20,LTM,9,"), "ev_to_revenue_x", "within 5%", "9"),
        (GOOD.replace(",100,20,", ",,20,"), "ev_to_revenue_x", "a multiple, or both", ""),
        (GOOD.replace("2025-05-01", "May 2025"), "as_of", "a date YYYY", "May 2025"),
        (GOOD.replace(",reported,", ",assumption,"), "status", "never assumptions", "assumption"),
        (GOOD.replace(",LTM,", ",quarterly,"), "revenue_basis", "one of LTM", "quarterly"),
        (GOOD.replace("https://example.org/acme", "example.org"), "url", "http(s)", "example.org"),
    ],
)
def test_comparables_errors_name_file_line_column(tmp_path, row, column, expected, found):
    path = _write(tmp_path, GOOD.replace("Acme,", "Other,"), row)
    with pytest.raises(ComparablesError) as info:
        load_comparables(path)
    message = str(info.value)
    assert f"{path}:3: column '{column}'" in message
    assert expected in message
    assert f"found {found!r}" in message


def test_comparables_duplicate_and_header(tmp_path):
    with pytest.raises(ComparablesError, match=r":3: column 'company': expected a company listed"):
        load_comparables(_write(tmp_path, GOOD, GOOD))
    with pytest.raises(ComparablesError, match=r":1: header: expected columns company"):
        load_comparables(_write(tmp_path, GOOD, header="name,ticker"))


# --- interactive panel ----------------------------------------------------------------------

PANEL_PARAMS = dict(
    amazon_investment_usd_bn=50.0,
    amazon_upfront_usd_bn=15.0,
    contingent_tranche_probability=0.5,
    aws_services_usd_bn=100.0,
    aws_ai_operating_margin=0.3,
    round_size_usd_bn=122.0,
    pre_money_valuation_usd_bn=730.0,
    ipo_valuation_usd_bn=1000.0,
    ipo_dilution=0.06,
)
HOLDERS = {"Microsoft": 27.0, "OpenAI Foundation": 26.0, "Employees and other investors": 47.0}
CO = {"NVIDIA": 30.0, "SoftBank": 30.0}


def test_panel_follows_the_sliders():
    import ipywidgets  # noqa: F401 - a dependency: fail, never skip, when missing

    from valse.report.explore_valuation import valuation_panel

    panel = valuation_panel(PANEL_PARAMS, HOLDERS, CO)
    assert set(panel.sliders) == {
        "amazon_investment_usd_bn",
        "pre_money_valuation_usd_bn",
        "aws_services_usd_bn",
        "ipo_valuation_usd_bn",
    }
    assert_allclose(panel.figures["post_money_valuation_usd_bn"], 852.0, rtol=1e-12)
    panel.sliders["amazon_investment_usd_bn"].value = 40.0
    panel.sliders["pre_money_valuation_usd_bn"].value = 900.0
    panel.sliders["aws_services_usd_bn"].value = 60.0
    panel.sliders["ipo_valuation_usd_bn"].value = 1500.0
    # other investors keep their 72: round = 72 + 40 = 112; post = 900 + 112 = 1012
    assert_allclose(panel.figures["round_size_usd_bn"], 112.0, rtol=1e-12)
    assert_allclose(panel.figures["post_money_valuation_usd_bn"], 1012.0, rtol=1e-12)
    assert_allclose(panel.figures["amazon_stake_pct"], 100 * 40 / 1012, rtol=1e-12)
    expected = valuation.expected_stake_pct(40.0, 15.0, 0.5, 112.0, 900.0)
    assert_allclose(panel.figures["amazon_expected_stake_pct"], expected, rtol=1e-12)
    assert_allclose(
        panel.figures["amazon_stake_value_at_ipo_usd_bn"],
        ipo.stake_value_at_ipo_usd_bn(expected, 1500.0, 0.06),
        rtol=1e-12,
    )
    # 40 - 0.3 × 60 = 22 → 100 × (1 - 22/40) = 45 %
    assert_allclose(panel.figures["amazon_effective_stake_price_discount_pct"], 45.0, rtol=1e-12)
    assert_allclose(panel.cap_table["Microsoft"], 27 * 900 / 1012, rtol=1e-12)
    assert_allclose(sum(panel.cap_table.values()), 100.0, rtol=1e-12)
    assert "Microsoft" in panel.table.value
    # no investment: no stake, so no price per point and no discount on it
    panel.sliders["amazon_investment_usd_bn"].value = 0.0
    assert panel.figures["amazon_stake_pct"] == 0.0
    assert math.isnan(panel.figures["amazon_effective_stake_price_discount_pct"])
    assert panel.table.value.count("not defined when Amazon invests nothing") == 1
    assert "nan" not in panel.table.value


# --- the notebook end to end -----------------------------------------------------------------

REQUIRED = {
    "post_money_valuation_usd_bn",
    "amazon_stake_pct",
    "amazon_expected_investment_usd_bn",
    "amazon_effective_stake_price_discount_pct",
    "required_revenue_usd_bn",
    "amazon_stake_value_at_ipo_usd_bn",
}
RUMOUR = dict(
    amazon_investment_usd_bn=50.0,
    amazon_upfront_usd_bn=50.0,
    contingent_tranche_probability=1.0,
    contingent_tranche_probability_low=1.0,
    contingent_tranche_probability_high=1.0,
    aws_services_usd_bn=38.0,
    round_size_usd_bn=100.0,
    pre_money_valuation_usd_bn=730.0,
    scenario_name="rumour",
)


def _parameters(tmp_path, **params):
    """01's parameters in these tests: fewer draws, an artifacts folder, then ``params``."""
    return {"draws": 200, "artifacts_dir": str(tmp_path / "artifacts"), **params}


def _defaults():
    from valse.data.nbparams import notebook_parameters

    return {p.name: p.default for p in notebook_parameters(NOTEBOOK)}


def _required_revenue(params):
    """The multi-stage reverse DCF's answer, from the library, for the notebook's inputs."""
    from valse.data.facts import load_facts
    from valse.model import dcf
    from valse.report.valuation_dcf import dcf_inputs
    from valse.report.valuation_story import post_money_usd_bn

    return dcf.required_target_revenue_usd_bn(
        post_money_usd_bn(params), **dcf_inputs(params, load_facts()))


@pytest.mark.notebook
def test_notebook_base_records_metrics(tmp_path, run_notebook):
    m = run_notebook(NOTEBOOK, _parameters(tmp_path)).records
    assert REQUIRED <= set(m)
    d = _defaults()
    assert_allclose(m["post_money_valuation_usd_bn"]["value"], 852.0, rtol=1e-12)
    assert_allclose(m["amazon_stake_pct"]["value"], 100 * 50 / 852, rtol=1e-12)
    assert_allclose(m["amazon_expected_investment_usd_bn"]["value"], 15 + 0.8 * 35, rtol=1e-12)
    assert_allclose(m["amazon_effective_stake_price_discount_pct"]["value"], 60.0, rtol=1e-12)
    expected_revenue = _required_revenue(d)
    assert_allclose(m["required_revenue_usd_bn"]["value"], expected_revenue, rtol=1e-9)
    dcf_value = m["openai_dcf_value_usd_bn"]
    assert dcf_value["p10"] <= dcf_value["value"] <= dcf_value["p90"]
    assert str(d["target_year"]) in m["required_revenue_usd_bn"]["label"]
    value = m["amazon_stake_value_at_ipo_usd_bn"]
    # the one IPO distribution (the deal NPV's): listed and paid, or private at the lapse
    p = d["contingent_tranche_probability"]
    by_hand = (p * 50 / 852 * (1 - d["ipo_dilution"]) * d["openai_listing_value_usd_bn"]
               + (1 - p) * 15 / (852 - 35) * d["openai_private_value_usd_bn"])
    assert_allclose(value["value"], by_hand, rtol=1e-12)
    assert value["p10"] <= value["value"] <= value["p90"]
    assert value["p10"] <= value["p50"] <= value["p90"]
    assert value["p10"] < value["p90"]
    assert (tmp_path / "artifacts" / "cap_table.csv").exists()


@pytest.mark.notebook
def test_notebook_rumour_records_metrics(tmp_path, run_notebook):
    m = run_notebook(NOTEBOOK, _parameters(tmp_path, **RUMOUR)).records
    assert REQUIRED <= set(m)
    assert_allclose(m["post_money_valuation_usd_bn"]["value"], 830.0, rtol=1e-12)
    assert_allclose(m["amazon_stake_pct"]["value"], 100 * 50 / 830, rtol=1e-12)
    assert_allclose(m["amazon_expected_investment_usd_bn"]["value"], 50.0, rtol=1e-12)
    assert_allclose(m["amazon_effective_stake_price_discount_pct"]["value"], 22.8, rtol=1e-12)
    # the IPO law is the lognormal centred on the evidence: the band holds its central value
    for record in m.values():
        if "p10" in record:
            assert record["p10"] <= record["value"] <= record["p90"], record["name"]
    assert "p90" in m["amazon_stake_value_at_ipo_usd_bn"]


@pytest.mark.notebook
def test_notebook_no_deal_records_only_defined_metrics(tmp_path, run_notebook):
    """Amazon invests nothing: stakes of 0 are recorded; prices per point of no stake are not."""
    import yaml

    from valse.data.nbparams import notebook_parameters

    declared = {p.name for p in notebook_parameters(NOTEBOOK)}
    scenario = yaml.safe_load((ROOT / "data" / "scenarios" / "no_deal.yaml").read_text())
    params = {k: v for k, v in scenario.items() if k in declared}
    assert params["amazon_investment_usd_bn"] == 0 and params["round_size_usd_bn"] == 72
    run = run_notebook(NOTEBOOK, _parameters(tmp_path, **params, scenario_name="no_deal"))
    m = run.records
    # hand-computed: post = 730 + 72; Microsoft keeps 27 × 730 / 802
    assert_allclose(m["post_money_valuation_usd_bn"]["value"], 802.0, rtol=1e-12)
    assert_allclose(m["microsoft_stake_after_round_pct"]["value"], 27 * 730 / 802, rtol=1e-12)
    for name in (
        "amazon_stake_pct",
        "amazon_expected_investment_usd_bn",
        "amazon_stake_if_milestones_missed_pct",
        "amazon_expected_stake_pct",
        "amazon_stake_value_at_ipo_usd_bn",
    ):
        assert m[name]["value"] == 0.0, name
    assert m["amazon_stake_value_at_ipo_usd_bn"]["p90"] == 0.0
    expected_revenue = _required_revenue({**_defaults(), **params})
    assert_allclose(m["required_revenue_usd_bn"]["value"], expected_revenue, rtol=1e-9)
    # a discount on the price of no stake does not exist: not recorded, and the text says so
    assert "amazon_effective_stake_price_discount_pct" not in m
    out = run.nb
    shown = "".join(
        "".join(o.get("data", {}).get("text/markdown", ""))
        for c in out["cells"]
        for o in c.get("outputs", [])
    )
    assert shown.count("not defined when Amazon invests nothing") >= 3
    assert not re.search(r"\b(nan|inf)\b", shown, re.IGNORECASE), (
        "undefined value shown as a number"
    )
