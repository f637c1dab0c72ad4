"""03_labor_costs's report layer on the cuts: figures against hand sums, charts, metrics, prose."""

from __future__ import annotations

import csv
from pathlib import Path

import matplotlib
import pytest
from explorer_inputs import notebook_params
from numpy.testing import assert_allclose

from valse.data.facts import load_facts
from valse.model import labor_ramp, who_pays_cash
from valse.report import labor_charts, labor_metrics, labor_report, narrative

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "03_labor_costs.ipynb"
SCENARIOS = sorted((ROOT / "data" / "scenarios").glob("*.yaml"))


def _defaults() -> dict:
    return notebook_params("03_labor_costs")


def _params(path: Path) -> dict:
    p = notebook_params("03_labor_costs", path.stem)
    return {**{name: p[name] for name in labor_report.PARAMETERS}, "scenario_name": path.stem}


@pytest.fixture(scope="module")
def facts():
    return load_facts()


@pytest.fixture(scope="module")
def base_p():
    return {**_params(ROOT / "data/scenarios/base.yaml"), "draws": 500}


def test_the_notebook_declares_every_parameter_read():
    assert set(labor_report.PARAMETERS) <= set(_defaults()) | {"scenario_name"}


def test_base_figures_by_hand(base_p):
    b = labor_report.base_figures(base_p)
    assert_allclose(b["savings"], 30_000 * 225 / 1e6, rtol=1e-12)  # 6.75
    assert_allclose(b["cash_savings"], 30_000 * (225 - 45) / 1e6, rtol=1e-12)  # 5.4
    assert_allclose(b["ai_capex"], 128.3 * 0.8, rtol=1e-12)
    assert_allclose(b["expected_investment"], 15 + 0.8 * 35, rtol=1e-12)
    assert b["scale"] == 1.0


def test_ramp_figures_by_hand(base_p, facts):
    r = labor_report.ramp_figures(base_p, labor_report.base_figures(base_p), facts)
    # severance: 30,000 roles x 130k of cash pay x 4 months / 12
    assert_allclose(r["severance"], 30_000 * 130 * 4 / 12 / 1e6, rtol=1e-12)
    # year 1 saves 9 of 12 months after 3 months of notice, later years all 12
    assert_allclose(r["ramp"]["savings (USD bn)"].iloc[0], 6.75 * 9 / 12, rtol=1e-12)
    assert_allclose(r["saved"], 6.75 * (5 - 3 / 12), rtol=1e-12)
    assert_allclose(r["net_horizon"], r["saved"] - r["severance"], rtol=1e-12)
    charge = facts.value("amazon_severance_q3_2025_usd_bn")
    october = facts.value("amazon_layoffs_2025_10_count")
    assert_allclose(r["reported_per_role"], charge * 1e6 / october, rtol=1e-12)
    text = narrative.render("03_labor_costs/ramp", **r)
    assert narrative.check_rendered(text) == []
    assert "Over 5 years the cuts save USD 32.1 billion" in text


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_every_section_runs_for_every_scenario(path, facts):
    import matplotlib.pyplot as plt

    p = {**_params(path), "draws": 200}
    base = labor_report.base_figures(p)
    ramp = labor_report.ramp_figures(p, base, facts)
    assert narrative.check_rendered(narrative.render("03_labor_costs/ramp", **ramp)) == []
    setup = narrative.render("03_labor_costs/setup", **labor_report.setup_context(p, base, facts))
    assert f"Scenario **{path.stem}**".replace("_", "\\_") in setup  # Markdown-escaped
    bands = labor_report.savings_bands(p, base)
    funding, *_ = labor_charts.funding_2025_chart(p, base, facts)
    assert_allclose(funding.iloc[:, :2].sum(), base["ai_capex"], rtol=1e-9)  # parts add up
    _, summary, *_ = labor_charts.break_even_chart(p, base, facts)
    records = labor_metrics.metric_records(p, base, ramp, bands, funding, summary.iloc[1, 0])
    for r in records:
        if "p10" in r:
            assert r["p10"] <= r["p50"] <= r["p90"], r["name"]
    for chart in (
        labor_charts.cuts_chart(facts),
        labor_charts.cost_parts_chart(p, base, facts),
        labor_charts.compare_chart(p, base, ramp["severance"], facts, path.stem),
        labor_charts.others_chart(p, facts),
    ):
        assert chart[-1].get_title()
    for _fig, ax in (
        labor_charts.ramp_chart(p, ramp, facts, path.stem),
        labor_charts.savings_histogram(p, bands, facts),
        labor_charts.savings_tornado(base, bands, facts),
    ):
        assert ax.get_title()
    plt.close("all")


def test_metrics_are_the_registered_ones_with_hand_values(base_p, facts):
    base = labor_report.base_figures(base_p)
    ramp = labor_report.ramp_figures(base_p, base, facts)
    bands = labor_report.savings_bands(base_p, base)
    funding, *_ = labor_charts.funding_2025_chart(base_p, base, facts)
    records = {
        r["name"]: r for r in labor_metrics.metric_records(base_p, base, ramp, bands, funding, 57.0)
    }
    registry = {
        r["name"]: r
        for r in csv.DictReader((ROOT / "lib/valse/report/metrics_registry.csv").open())
    }
    for name, r in records.items():
        assert registry[name]["notebook"] == "03_labor_costs", name
        assert registry[name]["unit"] == r["unit"], name
        assert all(fid in facts for fid in r["sources"]), name
    assert_allclose(records["years_of_savings_to_match_investment"]["value"], 50 / 6.75)
    assert_allclose(records["years_of_savings_to_match_upfront"]["value"], 15 / 6.75)
    assert_allclose(records["investment_in_employee_years"]["value"], 50e6 / 225)
    assert_allclose(records["savings_share_of_aws_operating_income_pct"]["value"], 675 / 45.6)
    assert records["break_even_productivity_gain_pct"]["value"] == 57.0


def test_every_fact_named_exists(facts):
    used = labor_report.facts_used()
    assert len(used) == len(set(used))
    assert [fid for fid in used if fid not in facts] == []


def test_the_panel_gets_the_notebook_inputs(base_p):
    base = labor_report.base_figures(base_p)
    cash = who_pays_cash.who_pays_figures(base_p, labor_ramp.waves_from_facts(load_facts()))
    sliders, fixed = labor_report.panel_inputs(base_p, base, cash)
    assert sliders == {"roles_cut": 30000, "cost_per_role_usd_k": 225.0, "horizon_years": 5}
    assert_allclose(fixed["cash_share_of_cost"], 180 / 225, rtol=1e-12)
    assert_allclose(fixed["salary_share_of_cost"], 130 / 225, rtol=1e-12)
