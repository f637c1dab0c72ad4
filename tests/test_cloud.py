"""Cloud economics: DESIGN.md identities, present values, capacity, AWS capex, panel, notebook."""

import math
import re
from pathlib import Path

import numpy as np
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from valse.data.facts import load_facts
from valse.data.nbparams import notebook_parameters
from valse.model import capacity, cloud, cloud_pv

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "02_cloud_economics.ipynb"

amount = st.floats(min_value=0, max_value=1e4, allow_nan=False)
share = st.floats(min_value=0, max_value=1, allow_nan=False)
rate = st.floats(min_value=1e-4, max_value=0.5, allow_nan=False)
years = st.floats(min_value=0.25, max_value=30, allow_nan=False)
profiles = st.sampled_from(cloud_pv.SPEND_PROFILES)

# The two readings, written out by hand (same values as data/scenarios/*.yaml).
REPORTED = dict(
    amazon_investment_usd_bn=50.0,
    amazon_upfront_usd_bn=15.0,
    contingent_tranche_probability=0.5,
    aws_services_usd_bn=100.0,
    aws_ai_operating_margin=0.3,
    contract_years=8.0,
    discount_rate=0.09,
)
RUMOUR = dict(
    REPORTED,
    amazon_upfront_usd_bn=50.0,
    contingent_tranche_probability=1.0,
    aws_services_usd_bn=38.0,
    contract_years=7.0,
)


def _annuity_pv(total, n, r):
    """Even spend of ``total`` over ``n`` whole years, paid at each year's end."""
    return total / n * (1 - (1 + r) ** -n) / r


# --- DESIGN.md identities ----------------------------------------------------------------------


def test_rumour_reading_anatomy_and_openai_cash():
    anatomy = cloud.deal_anatomy_usd_bn(50.0, 50.0, 38.0)
    assert anatomy["reading"] == "inside"
    assert anatomy["equity_cash_usd_bn"] == 12.0
    assert anatomy["services_inside_headline_usd_bn"] == 38.0
    assert anatomy["separate_cloud_contract_usd_bn"] == 0.0
    # all of it caused by the deal: OpenAI's new cash is the equity cash
    assert_allclose(cloud.openai_net_new_cash_usd_bn(50, 38, 1.0), 12.0, rtol=1e-12)
    # credits for compute OpenAI would have bought anyway are as good as cash
    assert_allclose(cloud.openai_net_new_cash_usd_bn(50, 38, 0.0), 50.0, rtol=1e-12)
    reported = cloud.deal_anatomy_usd_bn(50.0, 15.0, 100.0)
    assert reported["reading"] == "separate"
    assert (reported["upfront_usd_bn"], reported["contingent_usd_bn"]) == (15.0, 35.0)
    assert reported["equity_cash_usd_bn"] == 50.0
    assert reported["separate_cloud_contract_usd_bn"] == 100.0


@given(
    inv=amount, upfront_frac=share, services=amount, reading=st.sampled_from(["auto", "separate"])
)
def test_anatomy_parts_add_up(inv, upfront_frac, services, reading):
    a = cloud.deal_anatomy_usd_bn(inv, upfront_frac * inv, services, reading)
    tol = 1e-9 * max(1.0, inv, services)
    assert abs(a["upfront_usd_bn"] + a["contingent_usd_bn"] - inv) <= tol
    if a["reading"] == "inside":
        assert abs(a["equity_cash_usd_bn"] + a["services_inside_headline_usd_bn"] - inv) <= tol
    else:
        assert a["equity_cash_usd_bn"] == inv


# --- invariants --------------------------------------------------------------------------------


@given(inv=amount, services=amount, margin=share, c=share)
def test_economic_cost_between_net_cash_and_headline(inv, services, margin, c):
    # holds whether the cloud spend is below or above the investment
    tol = 1e-9 * max(1.0, inv, services)
    for spend in (services, cloud.incremental_aws_services_usd_bn(services, c)):
        cost = cloud.economic_cost_usd_bn(inv, spend, margin)
        assert cloud.net_cash_outlay_usd_bn(inv, spend) - tol <= cost <= inv + tol


@given(total=amount, n=st.integers(1, 40), r=rate)
def test_even_spend_pv_is_the_annuity(total, n, r):
    pv = cloud_pv.cloud_spend_pv_usd_bn(total, float(n), r, "even")
    assert_allclose(pv, _annuity_pv(total, n, r), rtol=1e-10, atol=1e-12)


@given(t=years, profile=profiles)
def test_profile_weights_add_up_to_one(t, profile):
    w = cloud_pv.spend_profile_weights(t, profile)
    assert len(w) == math.ceil(t)
    assert np.all(w >= 0)
    assert_allclose(w.sum(), 1.0, rtol=1e-12)


def test_profiles_by_hand():
    # ramp over 4 years: rate ∝ t, year k gets (k² − (k−1)²) / 16 = 1, 3, 5, 7 sixteenths
    assert_allclose(cloud_pv.spend_profile_weights(4, "ramp"), np.array([1, 3, 5, 7]) / 16)
    # even over 2.5 years: 0.4, 0.4, 0.2 paid at 1, 2, 2.5
    assert_allclose(cloud_pv.spend_profile_weights(2.5, "even"), [0.4, 0.4, 0.2], rtol=1e-12)
    assert_allclose(cloud_pv.payment_times_years(2.5), [1.0, 2.0, 2.5], rtol=1e-12)
    # ramp PV over 2 years at 10%: 25 / 1.1 + 75 / 1.21
    assert_allclose(
        cloud_pv.cloud_spend_pv_usd_bn(100, 2, 0.1, "ramp"), 25 / 1.1 + 75 / 1.21, rtol=1e-12
    )
    # a ramp pays later than an even spread, so it is worth less today
    assert cloud_pv.cloud_spend_pv_usd_bn(100, 8, 0.09, "ramp") < cloud_pv.cloud_spend_pv_usd_bn(
        100, 8, 0.09, "even"
    )


def test_investment_pv_by_hand():
    assert_allclose(cloud_pv.investment_pv_usd_bn(50, 15, 0.5, 2.0, 0.09), 15 + 17.5 / 1.1881)
    assert cloud_pv.investment_pv_usd_bn(50, 50, 1.0, 2.0, 0.09) == 50.0
    assert cloud_pv.investment_pv_usd_bn(50, 15, 1.0, 0.0, 0.09) == 50.0


# --- capacity and the AWS view -----------------------------------------------------------------


def test_aws_view_by_hand():
    aws = cloud.aws_revenue_projection_usd_bn(100.0, 0.2, 3)
    assert_allclose(aws, [120.0, 144.0, 172.8], rtol=1e-12)
    assert_allclose(cloud.revenue_share_pct(np.array([12.0, 12.0]), aws[:2]), [10.0, 100 / 12])
    assert_allclose(cloud.share_of_aws_growth_pct(10.0, 20.0), 50.0, rtol=1e-12)


# --- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: cloud_pv.spend_profile_weights(8, "front"), "spend_profile must be one of"),
        (lambda: cloud_pv.payment_times_years(0), "contract_years must be positive"),
        (lambda: cloud.incremental_aws_services_usd_bn(10, 1.5), "counterfactual_share"),
        (lambda: cloud.deal_anatomy_usd_bn(50, 50, 100, "inside"), "cannot exceed"),
        (lambda: cloud.services_reading(50, 50, 10, "both"), "auto, inside or separate"),
        (lambda: cloud_pv.investment_pv_usd_bn(50, 60, 0.5, 1, 0.09), "upfront_usd_bn"),
        (lambda: cloud_pv.present_value_usd_bn([1, 2], 0.1, [1]), "times_years"),
        (lambda: capacity.gpus_for_gpu_hours(1e9, 1, 0.0), "gpu_utilisation"),
        (lambda: capacity.gpu_hours_funded(1, 0), "gpu_hour_price_usd"),
        (lambda: cloud.share_of_aws_growth_pct(1, 0), "aws_revenue_increase_usd_bn"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(call, match):
    with pytest.raises(ValueError, match=match):
        call()


# --- waterfall and panel -----------------------------------------------------------------------


def _npv_params(name="base"):
    """02's parameters for a scenario, completed as the notebook completes them."""
    from valse.data.facts import load_facts
    from valse.report.openai_pay import counterparty_from_finances

    declared, values = _scenario(name)
    p = {**declared, **values, "scenario_name": name}
    return {**p, **counterparty_from_finances(p, load_facts())}


def test_panel_figures_follow_the_sliders():
    import ipywidgets  # noqa: F401 - a dependency: fail, never skip, when missing

    from valse.model import deal_npv
    from valse.report.explore_cloud import cloud_panel

    p = _npv_params()
    panel = cloud_panel(p, draw=False)
    assert_allclose(panel.figures["amazon_deal_npv_usd_bn"],
                    deal_npv.npv_parts(p)["amazon_deal_npv_usd_bn"], rtol=1e-12)
    panel.sliders["deal_caused_share"].value = 0.0
    assert panel.figures["aws_contract_npv_usd_bn"] == 0.0
    panel.sliders["accelerator_hour_price_usd"].value = 3.0
    panel.sliders["deal_caused_share"].value = 0.8
    moved = dict(p, accelerator_hour_price_usd=3.0, deal_caused_share=0.8)
    expected = deal_npv.npv_parts(moved)
    for name in ("aws_contract_npv_usd_bn", "amazon_deal_npv_usd_bn", "amazon_net_cost_pv_usd_bn"):
        assert_allclose(panel.figures[name], expected[name], rtol=1e-12, err_msg=name)
    # an investment below the upfront part pulls the upfront part down with it
    panel.sliders["amazon_investment_usd_bn"].value = 10.0
    assert panel.current()["amazon_upfront_usd_bn"] == 10.0
    assert_allclose(panel.figures["amazon_investment_pv_usd_bn"], 10.0, rtol=1e-12)


def test_panel_redraws_the_bridge_as_html_bars():
    import ipywidgets  # noqa: F401 - a dependency: fail, never skip, when missing
    from bs4 import BeautifulSoup

    from valse.report.explore_cloud import cloud_panel

    panel = cloud_panel(_npv_params())
    soup = BeautifulSoup(panel.chart.value, "html.parser")
    values = [v.get_text() for v in soup.select(".valse-value")]
    assert 'role="img"' in panel.chart.value and len(values) == 4
    f = panel.figures
    assert values[-1] == f"{f['amazon_deal_npv_usd_bn']:,.1f}".replace("-", "−")
    assert cloud_panel(_npv_params(), draw=False).chart.value == ""


def test_panel_table_says_not_defined_without_flows():
    from valse.report.explore_cloud import NOT_DEFINED, _figures_html, panel_figures

    figures = panel_figures(dict(_npv_params(), deal_caused_share=0.0))
    assert math.isnan(figures["aws_contract_irr_pct"])
    assert figures["aws_contract_npv_usd_bn"] == 0.0
    html = _figures_html(figures)
    assert html.count(NOT_DEFINED) == 1 and "nan" not in html


# --- notebook parameters and end-to-end runs --------------------------------------------------

def test_notebook_defaults_equal_the_facts_they_name():
    """The fact behind each default is the parameter registry's (valse.data.parameters)."""
    from valse.data.parameters import registry

    facts = load_facts()
    checked = 0
    for param in notebook_parameters(NOTEBOOK):
        entry = registry()[param.name]
        if not entry.fact:
            continue
        fact_id, _, end = entry.fact.partition(".")
        fact = facts[fact_id]
        if fact.unit == "text":  # a reading named by a text fact
            assert param.default == fact.value, param.name
            continue
        value = getattr(fact, end) if end else fact.number
        value = value / 100 if fact.unit == "pct" and entry.unit == "0-1" else value
        assert param.default == pytest.approx(value, rel=1e-12), (
            f"{param.name} = {param.default}, but fact {entry.fact} = {value}"
        )
        checked += 1
    assert checked >= 15


def _scenario(name):
    """A scenario file's values for the parameters the notebook declares."""
    declared = {p.name: p.default for p in notebook_parameters(NOTEBOOK)}
    data = yaml.safe_load((ROOT / "data" / "scenarios" / f"{name}.yaml").read_text())
    return declared, {k: v for k, v in data.items() if k in declared}


REQUIRED = {
    "circularity_pct",
    "aws_revenue_share_pct_peak_year",
    "gigawatts_funded",
    "amazon_investment_pv_usd_bn",
    "amazon_stake_value_pv_usd_bn",
    "aws_contract_npv_usd_bn",
    "amazon_net_cost_pv_usd_bn",
    "amazon_deal_npv_usd_bn",
    "amazon_deal_npv_negative_pct",
    "tranche_value_usd_bn",
}
RETIRED = {"amazon_net_cash_outlay_usd_bn", "amazon_economic_cost_usd_bn",
           "amazon_economic_cost_pv_usd_bn", "aws_capex_irr_pct"}


def _parameters(scenario, art=None):
    """The scenario's values for 02, fewer draws, and the artifacts folder when given."""
    _, values = _scenario(scenario)
    extra = {"artifacts_dir": str(art)} if art else {}
    return {**values, "draws": 400, "scenario_name": scenario, **extra}


@pytest.mark.notebook
@pytest.mark.parametrize("scenario", ["base", "rumour"])
def test_notebook_end_to_end(tmp_path, scenario, run_notebook):
    from valse.model import deal_npv

    art = tmp_path / "artifacts"
    records = run_notebook(NOTEBOOK, _parameters(scenario, art), cwd=tmp_path).records
    assert REQUIRED <= records.keys(), REQUIRED - records.keys()
    assert not RETIRED & records.keys()
    v = {k: r["value"] for k, r in records.items()}
    # the two identities of DESIGN.md, as recorded
    assert abs(v["amazon_deal_npv_usd_bn"] - (v["amazon_stake_value_pv_usd_bn"]
               - v["amazon_investment_pv_usd_bn"] + v["aws_contract_npv_usd_bn"])) < 0.01
    assert abs(v["amazon_net_cost_pv_usd_bn"]
               - (v["amazon_investment_pv_usd_bn"] - v["aws_contract_npv_usd_bn"])) < 0.01
    for r in records.values():  # every band contains its centre
        if r.get("p10") is not None:
            assert r["p10"] <= r["value"] <= r["p90"], r["name"]
        assert r["sources"], r["name"]
    p = _npv_params(scenario)
    inv, up, prob = (p["amazon_investment_usd_bn"], p["amazon_upfront_usd_bn"],
                     p["contingent_tranche_probability"])
    # by hand: upfront now, the tranche in the state it is paid, when it is paid
    inv_pv = up + prob * (inv - up) / (1 + p["discount_rate"]) ** p["contingent_tranche_year"]
    assert_allclose(v["amazon_investment_pv_usd_bn"], inv_pv, rtol=1e-12)
    assert_allclose(v["circularity_pct"], 100 * p["aws_services_usd_bn"] / inv, rtol=1e-12)
    lib = deal_npv.npv_parts(p)
    for name in ("amazon_deal_npv_usd_bn", "aws_contract_npv_usd_bn", "tranche_value_usd_bn"):
        assert_allclose(v[name], lib[name], rtol=1e-12, err_msg=name)
    saved = {f.stem for f in art.glob("*.csv")}
    assert {"value_bridge", "tranche_states", "aws_contract_cash_flows", "openai_commitments",
            "tornado_npv"} <= saved
    if scenario == "rumour":  # the November 2025 contract is not caused by the investment
        assert v["aws_contract_npv_usd_bn"] == 0.0 and "aws_contract_irr_pct" not in records
        assert_allclose(v["circularity_pct"], 76.0, rtol=1e-12)


def test_amounts_in_prose_show_the_sign_before_the_dollar():
    from valse.report.charts_cloud import usd_bn_text

    assert usd_bn_text(-50.0) == "−USD 50.0 billion"
    assert usd_bn_text(1234.4, 0) == "USD 1,234 billion"


@pytest.mark.notebook
@pytest.mark.parametrize("scenario", ["equity_only", "no_deal"])
def test_notebook_without_aws_spend(tmp_path, scenario, run_notebook):
    """No AWS spend tied to the deal: the contract is worth nothing and has no IRR; with no
    investment (no_deal) the circularity ratio is not recorded either."""
    run = run_notebook(NOTEBOOK, _parameters(scenario), cwd=tmp_path)
    nb, records = run.nb, run.records
    p = _npv_params(scenario)
    assert p["aws_services_usd_bn"] == 0
    assert records["aws_contract_npv_usd_bn"]["value"] == 0.0
    assert "aws_contract_irr_pct" not in records
    inv = p["amazon_investment_usd_bn"]
    assert_allclose(records["amazon_net_cost_pv_usd_bn"]["value"], inv, rtol=1e-12)
    shown = "".join(
        "".join(o.get("data", {}).get("text/markdown", ""))
        for c in nb["cells"]
        for o in c.get("outputs", [])
    )
    assert not re.search(r"\b(nan|inf)\b", shown, re.IGNORECASE)
    if scenario == "no_deal":
        assert inv == 0 and "circularity_pct" not in records
        assert records["amazon_deal_npv_usd_bn"]["value"] == 0.0
    else:
        assert inv == 50 and records["circularity_pct"]["value"] == 0.0
