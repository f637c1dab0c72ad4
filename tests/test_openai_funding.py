"""OpenAI's side of "who pays": the split by kind against closed forms and hand sums."""

from __future__ import annotations

from pathlib import Path

import pytest
from explorer_inputs import notebook_params
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from valse.data.facts import load_facts
from valse.model import openai_funding
from valse.report import narrative
from valse.report import openai_funding as report

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "03_labor_costs.ipynb"
SCENARIOS = sorted((ROOT / "data" / "scenarios").glob("*.yaml"))


@pytest.fixture(scope="module")
def facts():
    return load_facts()


def _params(path: Path) -> dict:
    """03's parameters as the pipeline injects them for one scenario file."""
    return {**notebook_params("03_labor_costs", path.stem), "scenario_name": path.stem}


def test_revenue_first_by_hand():
    # uses 100, revenue 40: the gap 60 is paid by 80 of outside money, 3:1
    got = openai_funding.funding_by_kind_usd_bn(
        100.0, 40.0, {"suppliers_equity": 60.0, "financial_investors": 20.0}
    )
    assert_allclose(got["customers"], 40.0)
    assert_allclose(got["suppliers_equity"], 45.0)
    assert_allclose(got["financial_investors"], 15.0)
    assert got["cash_reserves"] == 0.0 and got["borrowing"] == 0.0
    # outside money short of the gap: the reserves pay the rest
    short = openai_funding.funding_by_kind_usd_bn(100.0, 40.0, {"borrowing": 10.0})
    assert_allclose([short["borrowing"], short["cash_reserves"]], [10.0, 50.0])
    # revenue above the uses pays all
    rich = openai_funding.funding_by_kind_usd_bn(10.0, 40.0, {"suppliers_equity": 5.0})
    assert_allclose([rich["customers"], rich["suppliers_equity"]], [10.0, 0.0])


def test_pro_rata_by_hand():
    # sources 40 + 80 = 120 for uses of 60: each pays half of itself
    got = openai_funding.funding_by_kind_usd_bn(
        60.0, 40.0, {"suppliers_equity": 60.0, "financial_investors": 20.0}, "pro_rata"
    )
    assert_allclose(
        [got["customers"], got["suppliers_equity"], got["financial_investors"]], [20.0, 30.0, 10.0]
    )


@given(
    uses=st.floats(0, 500),
    revenue=st.floats(0, 500),
    sup=st.floats(0, 200),
    fin=st.floats(0, 200),
    method=st.sampled_from(["revenue_first", "pro_rata"]),
)
def test_the_parts_add_up_to_the_uses(uses, revenue, sup, fin, method):
    got = openai_funding.funding_by_kind_usd_bn(
        uses, revenue, {"suppliers_equity": sup, "financial_investors": fin}, method
    )
    assert set(got) == set(openai_funding.KINDS)
    assert_allclose(sum(got.values()), uses, rtol=1e-9, atol=1e-9)
    assert min(got.values()) >= 0


def test_bad_input_is_refused_with_its_name():
    with pytest.raises(ValueError, match="outside_usd_bn"):
        openai_funding.funding_by_kind_usd_bn(1.0, 1.0, {"grants": 1.0})
    with pytest.raises(ValueError, match="revenue_usd_bn"):
        openai_funding.funding_by_kind_usd_bn(1.0, -1.0, {})
    with pytest.raises(ValueError, match="method"):
        openai_funding.funding_by_kind_usd_bn(1.0, 1.0, {}, "lifo")
    with pytest.raises(ValueError, match="'Amazon'"):
        openai_funding.equity_by_kind_usd_bn({"Amazon": -1.0}, ["Amazon"])


def test_base_2025_and_2026_against_hand_sums_of_the_facts(facts):
    p = _params(ROOT / "data/scenarios/base.yaml")
    f = report.openai_funding_figures(p, facts)
    v = facts.value
    # 2025: revenue plus the cash burned; the 40 round, all financial investors
    revenue_2025 = v("openai_revenue_2025_leaked_usd_bn")
    uses_2025 = revenue_2025 + v("openai_cash_burn_2025_usd_bn")
    assert_allclose(f["2025"]["uses"], uses_2025)
    assert_allclose(f["2025"]["revenue_first_pct"]["customers"], 100 * revenue_2025 / uses_2025)
    assert f["2025"]["revenue_first_pct"]["suppliers_equity"] == 0.0
    # 2026: Azure 250/7, AWS 38/7, CoreWeave 22.4/5, Cerebras 10/3 start in 2026 (Oracle and
    # the AWS expansion in 2027); other costs 0.3 of the 30 of revenue
    compute = (
        v("openai_azure_commitment_2025_10_usd_bn") / v("assumption_azure_commitment_years")
        + v("aws_openai_contract_2025_11_usd_bn") / v("aws_openai_contract_2025_11_years")
        + v("openai_coreweave_commitment_usd_bn") / v("assumption_coreweave_commitment_years")
        + v("cerebras_openai_usd_bn") / v("cerebras_openai_term_years")
    )
    revenue = v("openai_revenue_2026_forecast_usd_bn")
    uses = compute + v("assumption_openai_noncompute_cost_share") * revenue
    assert_allclose(f["2026"]["uses"], uses, rtol=1e-12)
    prob = p["contingent_tranche_probability"]
    amazon = 15 + 35 * prob
    suppliers = amazon + v("nvidia_openai_round_2026_usd_bn")
    outside = v("openai_round_2026_closed_usd_bn") - 35 + 35 * prob
    assert_allclose(sum(f["2026"]["outside"].values()), outside, rtol=1e-12)
    share = 100 * (uses - revenue) * suppliers / outside / uses
    assert_allclose(f["2026"]["revenue_first_pct"]["suppliers_equity"], share, rtol=1e-12)
    assert_allclose(f["2026"]["revenue_first_pct"]["customers"], 100 * revenue / uses, rtol=1e-12)


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_every_scenario_renders_and_its_bands_hold_the_centre(path, facts):
    p = _params(path)
    f = report.openai_funding_figures(p, facts)
    bands = report.openai_funding_bands(p, facts, 200, p["seed"])
    assert bands == report.openai_funding_bands(p, facts, 200, p["seed"])  # seeded
    for record in report.metric_records(f, bands):
        if "p10" in record:
            assert record["p10"] <= record["value"] <= record["p90"], record["name"]
        assert all(fid in facts for fid in record["sources"])
    text = narrative.render("03_labor_costs/openai_funding", **report.story_context(p, f, bands))
    assert narrative.check_rendered(text) == []
    table = report.funding_table(f)
    assert_allclose(table.loc["total", "2026 (%)"], 100.0)
    assert_allclose(table.loc["total", "2026 (USD bn)"], f["2026"]["uses"])


def test_the_chart_states_its_takeaway(facts):
    import matplotlib

    matplotlib.use("Agg")
    p = _params(ROOT / "data/scenarios/base.yaml")
    f = report.openai_funding_figures(p, facts)
    fig, ax = report.funding_chart(f, facts, "base")
    s = f["2026"]["revenue_first_pct"]
    assert f"customers pay {s['customers']:.0f}%" in ax.get_title()
    assert len(ax.patches) >= 4


def test_metrics_are_registered_to_03():
    import csv

    rows = {
        r["name"]: r
        for r in csv.DictReader((ROOT / "lib/valse/report/metrics_registry.csv").open())
    }
    for name in report.METRICS:
        assert rows[name]["notebook"] == "03_labor_costs"
