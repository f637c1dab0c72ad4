"""The NPV to Amazon: the identities on random inputs, every scenario's parts and bands."""

import functools
from pathlib import Path

import numpy as np
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from valse.data.nbparams import notebook_parameters
from valse.model import aws_contract, deal_npv, tranche

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted((ROOT / "data" / "scenarios").glob("*.yaml"))


def declared_defaults() -> dict:
    path = ROOT / "notebooks" / "02_cloud_economics.ipynb"
    return {p.name: p.default for p in notebook_parameters(path)}


@functools.cache
def _completed(items: tuple) -> dict:
    """02's parameters completed as the notebook completes them (the counterparty loss)."""
    from valse.data.facts import load_facts
    from valse.report.openai_pay import counterparty_from_finances

    p = dict(items)
    return {**p, **counterparty_from_finances(p, load_facts())}


def notebook_defaults() -> dict:
    return dict(_completed(tuple(sorted(declared_defaults().items()))))


def scenario_params(path: Path) -> dict:
    data = yaml.safe_load(path.read_text())
    data.pop("description", None)
    p = {**declared_defaults(), **data, "scenario_name": path.stem}
    return dict(_completed(tuple(sorted(p.items()))))


def mc_ranges(p: dict) -> dict:
    return {"accelerator_hour_price_usd": (p["accelerator_hour_price_usd_low"],
                                           p["accelerator_hour_price_usd_high"]),
            "gpu_utilisation": (p["gpu_utilisation_low"], p["gpu_utilisation_high"])}


@settings(max_examples=60, deadline=None)
@given(inv=st.floats(1, 100), upfront_share=st.floats(0, 1), p=st.floats(0, 1),
       services=st.floats(0, 200), caused=st.floats(0, 1), price=st.floats(1, 5),
       listing=st.floats(300, 2000), private=st.floats(200, 1500), tax=st.floats(0, 0.4))
def test_the_two_identities_hold_on_random_inputs(inv, upfront_share, p, services, caused, price,
                                                  listing, private, tax):
    params = {**notebook_defaults(), "amazon_investment_usd_bn": inv,
              "amazon_upfront_usd_bn": inv * upfront_share, "contingent_tranche_probability": p,
              "aws_services_usd_bn": services, "deal_caused_share": caused,
              "accelerator_hour_price_usd": price, "openai_listing_value_usd_bn": listing,
              "openai_private_value_usd_bn": private, "tax_rate": tax,
              "round_size_usd_bn": 122.0 + inv, "pre_money_valuation_usd_bn": 730.0}
    parts = deal_npv.npv_parts(params)
    npv, cost = parts["amazon_deal_npv_usd_bn"], parts["amazon_net_cost_pv_usd_bn"]
    stake, inv = parts["amazon_stake_value_pv_usd_bn"], parts["amazon_investment_pv_usd_bn"]
    assert_allclose(npv, stake - inv + parts["aws_contract_npv_usd_bn"], rtol=1e-12, atol=1e-9)
    assert_allclose(cost, parts["amazon_investment_pv_usd_bn"] - parts["aws_contract_npv_usd_bn"],
                    rtol=1e-12, atol=1e-9)
    assert_allclose(npv, parts["amazon_stake_value_pv_usd_bn"] - cost, rtol=1e-12, atol=1e-9)
    assert parts["break_even_strategic_value_usd_bn"] == pytest.approx(max(0.0, -npv))


def test_parts_are_those_of_the_two_modules():
    p = scenario_params(ROOT / "data" / "scenarios" / "base.yaml")
    parts = deal_npv.npv_parts(p)
    t, c = tranche.create_tranche(p), aws_contract.create_contract(p)
    assert parts["amazon_stake_value_pv_usd_bn"] == tranche.stake_value_pv_usd_bn(t)
    assert parts["amazon_investment_pv_usd_bn"] == tranche.investment_pv_usd_bn(t)
    assert parts["aws_contract_npv_usd_bn"] == aws_contract.contract_npv_usd_bn(c)
    steps = deal_npv.bridge_steps(parts)
    assert_allclose(sum(v for _, v in steps[:-1]), steps[-1][1], rtol=1e-12)


def test_nothing_caused_means_no_contract_value():
    p = {**scenario_params(ROOT / "data" / "scenarios" / "base.yaml"), "deal_caused_share": 0.0}
    parts = deal_npv.npv_parts(p)
    assert parts["aws_contract_npv_usd_bn"] == 0.0
    assert parts["amazon_net_cost_pv_usd_bn"] == parts["amazon_investment_pv_usd_bn"]


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_every_scenario_band_contains_its_centre_and_is_reproducible(path):
    p = scenario_params(path)
    parts = deal_npv.npv_parts(p)
    mc = deal_npv.monte_carlo_npv(p, mc_ranges(p), 4000, p["seed"], p["value_correlation"],
                                  p["default_correlation"])
    again = deal_npv.monte_carlo_npv(p, mc_ranges(p), 4000, p["seed"], p["value_correlation"],
                                     p["default_correlation"])
    assert np.array_equal(mc["amazon_deal_npv_usd_bn"], again["amazon_deal_npv_usd_bn"])
    for name in ("amazon_deal_npv_usd_bn", "aws_contract_npv_usd_bn",
                 "amazon_stake_value_pv_usd_bn"):
        band = deal_npv.band_containing(parts[name], mc[name])
        assert band is not None, f"{path.stem}: {name} {parts[name]} outside its P10–P90"
    # the draws are centred on the expectation the notebook records as the central value
    scale = 1 + abs(parts["amazon_stake_value_pv_usd_bn"])
    assert abs(mc["amazon_stake_value_pv_usd_bn"].mean() - parts["amazon_stake_value_pv_usd_bn"]) \
        < 0.05 * scale


def test_rumour_and_smaller_deal_do_not_count_the_november_contract_as_caused():
    for name in ("rumour", "smaller_deal"):
        p = scenario_params(ROOT / "data" / "scenarios" / f"{name}.yaml")
        assert p["deal_caused_share"] == 0.0
        assert deal_npv.npv_parts(p)["aws_contract_npv_usd_bn"] == 0.0


def test_negative_pct_and_band_rules():
    assert deal_npv.negative_pct(np.array([-1.0, 0.0, 2.0, -3.0])) == 50.0
    assert deal_npv.band_containing(100.0, np.arange(10.0)) is None
    assert deal_npv.band_containing(4.0, np.arange(10.0)) is not None


def test_npv_defaults_are_the_cloud_notebooks_defaults():
    from valse.data.facts import load_facts
    from valse.report import deal_report

    defaults = deal_report.npv_defaults(load_facts())
    declared = declared_defaults()
    for name, value in defaults.items():
        assert declared[name] == value, f"{name}: 02 declares {declared[name]}, facts {value}"


def test_every_npv_parameter_a_scenario_sets_is_declared_by_the_overview():
    from valse.report import deal_report

    path = ROOT / "notebooks" / "00_overview.ipynb"
    overview = {p.name for p in notebook_parameters(path)}
    for scenario in SCENARIOS:
        data = yaml.safe_load(scenario.read_text())
        for name in data:
            if name in deal_report.NPV_DEFAULT_FACTS:
                assert name in overview, f"{scenario.name} sets {name}; 00 must declare it"


def test_scenarios_ranked_by_npv():
    from valse.data.facts import load_facts
    from valse.report import deal_report

    files = {p.stem: yaml.safe_load(p.read_text()) for p in SCENARIOS}
    table = deal_report.scenario_npv_parts(files, load_facts())
    assert list(table["amazon_deal_npv_usd_bn"]) == sorted(table["amazon_deal_npv_usd_bn"],
                                                           reverse=True)
    base = deal_npv.npv_parts(scenario_params(ROOT / "data" / "scenarios" / "base.yaml"))
    assert_allclose(table.loc["base", "amazon_deal_npv_usd_bn"], base["amazon_deal_npv_usd_bn"],
                    rtol=1e-12)
    assert table.loc["no_deal", "amazon_deal_npv_usd_bn"] == 0.0


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_the_recorded_metrics_keep_both_identities_and_contain_their_centres(path, monkeypatch):
    """What 02 records for every scenario file, without a kernel (the recording is captured)."""
    import valse.report.record
    from valse.report import deal_report

    seen = {}

    def capture(name, value, unit, label, **kw):
        seen[name] = valse.report.record.make_record(name, value, unit, label, notebook="02", **kw)

    monkeypatch.setattr(valse.report.record, "metric", capture)
    p = {**scenario_params(path), "draws": 3000}
    deal_report.record_npv_metrics(p, deal_report.run_monte_carlo(p))
    v = {k: r["value"] for k, r in seen.items()}
    assert abs(v["amazon_deal_npv_usd_bn"] - (v["amazon_stake_value_pv_usd_bn"]
               - v["amazon_investment_pv_usd_bn"] + v["aws_contract_npv_usd_bn"])) < 0.01
    assert abs(v["amazon_net_cost_pv_usd_bn"]
               - (v["amazon_investment_pv_usd_bn"] - v["aws_contract_npv_usd_bn"])) < 0.01
    for r in seen.values():
        assert r["sources"] and r["params"], r["name"]
        if r.get("p10") is not None:
            assert r["p10"] <= r["value"] <= r["p90"], r["name"]
    assert 0 <= v["amazon_deal_npv_negative_pct"] <= 100
