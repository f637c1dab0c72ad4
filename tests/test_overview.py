"""The overview notebook end to end through the real pipeline, for both readings."""

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml
from numpy.testing import assert_allclose

from valse.model.deal import create_deal, headline_metrics

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def run_out(tmp_path_factory):
    out = tmp_path_factory.mktemp("overview") / "out"
    names = ("base", "rumour", "no_deal")
    scenarios = [str(ROOT / "data" / "scenarios" / f"{n}.yaml") for n in names]
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "valse",
            "run",
            "--only",
            "00_overview",
            "--jobs",
            "2",
            "--out",
            str(out),
            "--scenario",
            *scenarios,
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out


@pytest.mark.notebook
@pytest.mark.parametrize("scenario", ["base", "rumour", "no_deal"])
def test_overview_records_nothing_and_shows_the_npv_of_its_scenario(run_out, scenario):
    """Each metric has one owning notebook: the overview shows the core figures and the NPV
    (recorded by 01 and 02), and records none of them; its bridge adds up to the NPV."""
    from valse.data.facts import load_facts
    from valse.model import deal_npv
    from valse.report import deal_report

    assert json.loads((run_out / scenario / "metrics.json").read_text()) == []
    params = yaml.safe_load((ROOT / "data" / "scenarios" / f"{scenario}.yaml").read_text())
    facts = load_facts()
    p = deal_report.with_counterparty(
        {**deal_report.npv_defaults(facts), **params, "scenario_name": scenario}, facts)
    parts = deal_npv.npv_parts(p)
    bridge = pd.read_csv(run_out / scenario / "data" / "00_overview" / "value_bridge.csv",
                         index_col=0)
    assert_allclose(bridge["level (USD bn)"].iloc[-1], parts["amazon_deal_npv_usd_bn"],
                    rtol=1e-9, atol=1e-12)
    core = pd.read_csv(run_out / scenario / "data" / "00_overview" / "core_figures.csv",
                       index_col=0)["value"]
    expected = headline_metrics(create_deal(params))
    assert_allclose(core.iloc[0], expected["post_money_valuation_usd_bn"], rtol=1e-12)
    assert_allclose(core.iloc[2], expected["amazon_expected_investment_usd_bn"], rtol=1e-12)
    html = (run_out / scenario / "html" / "00_overview.html").read_text()
    assert "not money returned" in html
    if scenario == "no_deal":
        assert pd.isna(core.iloc[3])


@pytest.mark.notebook
def test_overview_pages_and_chart_data_are_published(run_out):
    html = (run_out / "base" / "html" / "00_overview.html").read_text()
    assert "1. The rumour and the deal as reported" in html
    assert "data:image/svg+xml;base64" in html
    assert (run_out / "base" / "data" / "00_overview" / "rumour_vs_reported.csv").exists()
    index = (run_out / "index.html").read_text()
    assert "rumour" in index and "base" in index
