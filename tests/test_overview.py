"""The overview notebook end to end through the real pipeline, for both readings."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from numpy.testing import assert_allclose

from valse.deal import create_deal, headline_metrics

ROOT = Path(__file__).resolve().parents[1]
CORE = [
    "post_money_valuation_usd_bn",
    "amazon_stake_pct",
    "amazon_expected_investment_usd_bn",
    "amazon_net_cash_outlay_usd_bn",
    "amazon_economic_cost_usd_bn",
    "circularity_pct",
]


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
def test_overview_records_the_core_metrics_of_its_scenario(run_out, scenario):
    params = yaml.safe_load((ROOT / "data" / "scenarios" / f"{scenario}.yaml").read_text())
    expected = headline_metrics(create_deal(params))
    records = {r["name"]: r for r in json.loads((run_out / scenario / "metrics.json").read_text())}
    # with no investment, the share of it that comes back is not defined: not recorded
    core = [n for n in CORE if not (scenario == "no_deal" and n == "circularity_pct")]
    if scenario == "no_deal":
        assert "circularity_pct" not in records
    assert set(core) <= set(records)
    for name in core:
        assert_allclose(records[name]["value"], expected[name], rtol=1e-12, err_msg=name)
        assert records[name]["sources"], f"{name} names no fact"
    # the ranges bracket a sensible centre
    cost = records["amazon_economic_cost_usd_bn"]
    assert cost["p10"] <= cost["p50"] <= cost["p90"]
    if scenario == "rumour":  # nothing is contingent: the expected investment is certain
        band = records["amazon_expected_investment_usd_bn"]
        assert band["p10"] == band["p90"] == params["amazon_investment_usd_bn"]


@pytest.mark.notebook
def test_overview_pages_and_chart_data_are_published(run_out):
    html = (run_out / "base" / "html" / "00_overview.html").read_text()
    assert "1. The rumour and the deal as reported" in html
    assert "data:image/png;base64" in html
    assert (run_out / "base" / "data" / "00_overview" / "rumour_vs_reported.csv").exists()
    index = (run_out / "index.html").read_text()
    assert "rumour" in index and "base" in index
