"""Flows on one basis (kinds, terms, probabilities, estimates), the circular share counted
once, suppliers' equity, the deal's shift year by year, and notebook 04's prose for every
scenario."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from numpy.testing import assert_allclose

from valse.data import regulators
from valse.data.checks import evaluate
from valse.data.facts import load_facts
from valse.data.flowdata import KINDS, MONEY_KINDS, load_flows
from valse.data.sharedata import load_cloud_shares
from valse.model.flows.basis import (
    annuity_factor,
    basis_factor,
    commitment_pv_usd_bn,
    commitment_yearly_usd_bn,
    expected_values,
    is_money_committed,
    money_committed_usd_bn,
    money_flows,
)
from valse.model.flows.cycles import decompose_circulation, max_circular_volume_usd_bn
from valse.model.flows.draws import draw_values
from valse.model.flows.graph import flow_graph
from valse.model.flows.shift import market_growth_rate, share_path
from valse.model.flows.suppliers import supplier_equity_to_purchases, supplier_share_of_equity
from valse.report import flows_report, narrative

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted((ROOT / "data" / "scenarios").glob("*.yaml"))
NOTEBOOK = ROOT / "notebooks" / "04_cross_investments.ipynb"


def row(fid, u, v, amount, kind="equity_paid", status="confirmed", term=0.0, **more):
    return {
        "id": fid, "from": u, "to": v, "amount_usd_bn": amount, "low_usd_bn": amount,
        "high_usd_bn": amount, "kind": kind, "status": status, "term_years": term,
        "announced": "2026-01", **more,
    }  # fmt: skip


# --- one basis ----------------------------------------------------------------------------


def test_pv_and_yearly_bases_of_a_commitment_by_hand():
    # 30 over 3 years at 10 %: 10 at the end of each year.
    by_hand = 10 / 1.1 + 10 / 1.1**2 + 10 / 1.1**3  # 9.0909 + 8.2645 + 7.5131
    assert_allclose(commitment_pv_usd_bn(30.0, 3.0, 0.10), by_hand, rtol=1e-12)
    assert_allclose(by_hand, 24.868519909842227, rtol=1e-12)
    assert_allclose(commitment_yearly_usd_bn(30.0, 3.0), 10.0, rtol=1e-12)
    assert_allclose(annuity_factor(0.10, 3.0), 2.486851990984222, rtol=1e-12)
    # no discounting: the nominal amount; term 0: paid now, whatever the rate
    assert_allclose(commitment_pv_usd_bn(30.0, 3.0, 0.0), 30.0, rtol=1e-12)
    assert commitment_pv_usd_bn(15.0, 0.0, 0.09) == 15.0
    assert commitment_yearly_usd_bn(15.0, 0.0) == 15.0
    assert basis_factor(8.0, "nominal", 0.09) == 1.0
    with pytest.raises(ValueError, match="basis: expected one of pv, yearly, nominal"):
        basis_factor(8.0, "real", 0.09)
    with pytest.raises(ValueError, match="term_years: expected a term >= 0"):
        commitment_pv_usd_bn(1.0, -1.0, 0.09)


def test_conditional_amounts_enter_at_their_probability_the_same_way():
    frame = pd.DataFrame(
        [
            row("a", "A", "B", 10.0),
            row("b", "A", "B", 20.0, kind="equity_conditional"),
            row("c", "C", "B", 30.0, kind="equity_conditional"),
            row("d", "B", "A", 24.0, kind="purchase_commitment", term=2.0),
        ]
    )
    probabilities = {"b": (0.2, 0.5, 0.9), "c": (0.1, 0.25, 0.3)}
    valued = expected_values(frame, probabilities, "pv", 0.0)
    assert_allclose(valued["value_usd_bn"], [10.0, 10.0, 7.5, 24.0], rtol=1e-12)
    yearly = expected_values(frame, probabilities, "yearly", 0.09)
    assert_allclose(yearly["value_usd_bn"], [10.0, 10.0, 7.5, 12.0], rtol=1e-12)
    with pytest.raises(KeyError, match="without a probability: c"):
        expected_values(frame, {"b": (0.2, 0.5, 0.9)}, "pv", 0.09)
    # in the Monte Carlo each is an event: paid in full or not at all
    draws = draw_values(valued, probabilities, np.random.default_rng(3), 4000)
    assert set(np.unique(draws[:, 1])) <= {0.0, 20.0}
    assert set(np.unique(draws[:, 2])) <= {0.0, 30.0}
    assert draws[:, 1].mean() / 20 == pytest.approx((0.2 + 0.5 + 0.9) / 3, abs=0.03)
    assert draws[:, 2].mean() / 30 == pytest.approx((0.1 + 0.25 + 0.3) / 3, abs=0.03)


def test_an_estimate_is_never_summed_as_money_committed():
    frame = pd.DataFrame(
        [
            row("cash", "A", "B", 10.0),
            row("chips", "B", "C", 50.0, kind="purchase_commitment", status="estimate", term=4),
            row("warrant", "C", "B", 34.0, kind="price_concession", status="estimate"),
            row("shares", "C", "B", 1.0, kind="price_concession", status="reported"),
        ]
    )
    assert money_committed_usd_bn(frame) == 10.0
    assert list(money_flows(frame, include_estimates=False)["id"]) == ["cash"]
    assert list(money_flows(frame, include_estimates=True)["id"]) == ["cash", "chips"]
    # in the data: AMD's warrant is a price concession graded as an estimate, and no sum of
    # money committed includes it or the estimated chip purchases
    flows = load_flows()
    warrant = flows.set_index("id").loc["amd_openai_warrant_2025_10"]
    assert (warrant["kind"], warrant["status"]) == ("price_concession", "estimate")
    money = flows[is_money_committed(flows)]
    assert not money["status"].eq("estimate").any()
    assert not money["kind"].isin(["price_concession", "guarantee"]).any()
    params = _params(ROOT / "data" / "scenarios" / "base.yaml")
    analysis = flows_report.analyse(params, load_facts(), flows, load_cloud_shares())
    assert "amd_openai_warrant_2025_10" not in set(analysis.web.valued["id"])
    table = flows_report.money_table(analysis.web)
    web_rows = analysis.web.every_status[
        analysis.web.every_status["id"].isin(analysis.web.valued["id"])
    ]
    sourced = web_rows[web_rows["status"].isin(["confirmed", "reported"])]
    assert_allclose(
        table.loc["money committed, sourced (nominal)", "USD bn"], sourced["amount_usd_bn"].sum()
    )


def test_flow_rows_agree_with_the_facts_they_name():
    facts = load_facts()
    flows = load_flows()
    assert set(flows["kind"]) <= set(KINDS)
    for r in flows.itertuples():
        if r.term_fact:
            assert facts[r.term_fact].number == pytest.approx(r.term_years), r.id
        if r.probability_fact:
            fact = facts[r.probability_fact]
            assert fact.status == "assumption" and fact.low is not None and fact.high is not None
        if r.derived_from:
            assert evaluate(r.derived_from, facts) == pytest.approx(r.amount_usd_bn), r.id
        if r.status == "estimate" and r.kind == "purchase_commitment":
            cost = "assumption_chip_cost_per_gw_usd_bn_per_gw"
            low = evaluate(r.derived_from.replace(cost, cost + ".low"), facts)
            high = evaluate(r.derived_from.replace(cost, cost + ".high"), facts)
            assert (low, high) == pytest.approx((r.low_usd_bn, r.high_usd_bn)), r.id
    # every live purchase commitment has a term; the chip legs are there, as estimates
    live = flows[flows["kind"].eq("purchase_commitment") & ~flows["status"].isin(["lapsed"])]
    assert (live["term_years"] > 0).all()
    chips = flows[flows["id"].str.endswith("_chips_estimate")]
    assert set(chips["to"]) == {"NVIDIA", "AMD", "Broadcom"}
    assert set(chips["status"]) == {"estimate"}
    assert set(MONEY_KINDS) < set(KINDS)


# --- the circular share, counted once ------------------------------------------------------


def test_a_three_company_loop_is_counted_once():
    # Supplier S invests 30 in lab L; L buys 40 of cloud from C; C buys 25 of chips from S.
    # One loop S → L → C → S carries min(30, 40, 25) = 25: that is what goes round, once,
    # not 3 × 25 = 75 of legs. All the money: 30 + 40 + 25 = 95.
    graph = flow_graph(
        [row("i", "S", "L", 30.0), row("p", "L", "C", 40.0), row("q", "C", "S", 25.0)]
    )
    split = decompose_circulation(graph)
    assert_allclose(split.circular_volume_usd_bn, 25.0, rtol=1e-12)
    assert_allclose(split.legs_volume_usd_bn, 75.0, rtol=1e-12)
    assert_allclose(split.circular_share_pct, 100 * 25 / 95, rtol=1e-12)
    assert_allclose(max_circular_volume_usd_bn(graph), 25.0, rtol=1e-9)


def test_supplier_equity_to_purchases_and_supplier_share_of_equity_by_hand():
    frame = pd.DataFrame(
        [
            row("e1", "Sup", "Lab", 30.0),
            row("e2", "Sup", "Lab", 20.0, kind="equity_conditional"),
            row("w", "Chip", "Lab", 10.0, kind="price_concession", status="estimate"),
            row("p1", "Lab", "Sup", 200.0, kind="purchase_commitment", term=5),
            row("p2", "Lab", "Chip", 40.0, kind="purchase_commitment", status="estimate", term=4),
            row("f", "Fund", "Lab", 50.0),
        ]
    ).assign(value_usd_bn=[30.0, 10.0, 10.0, 200.0, 40.0, 50.0])
    out = supplier_equity_to_purchases(frame, buyers=["Lab"]).set_index("supplier")
    assert_allclose(out.loc["Chip", "ratio_pct"], 100 * 10 / 40, rtol=1e-12)
    assert_allclose(out.loc["Sup", "ratio_pct"], 100 * (30 + 10) / 200, rtol=1e-12)
    assert out.loc["Chip", "estimated_purchases"] and not out.loc["Sup", "estimated_purchases"]
    rounds = supplier_share_of_equity(frame, buyers=["Lab"])
    # headline amounts: 30 + 20 from Sup of 30 + 20 + 50 (the concession is not equity)
    assert_allclose(rounds["supplier_share_pct"], [100 * 50 / 100], rtol=1e-12)
    assert rounds["suppliers"].tolist() == ["Sup"]


# --- the deal's shift, year by year --------------------------------------------------------

SHARES = {"AWS": 50.0, "Microsoft": 30.0}


def test_no_share_caused_by_the_deal_moves_nothing():
    path = share_path(SHARES, 100.0, 0.3, 100.0, 8.0, 0.0, {"Microsoft": 0.5})
    assert len(path) == 8
    assert (path["shift_pct_points"] == 0).all() and (path["hhi_delta"] == 0).all()
    assert_allclose(path["hhi_after"], 2500 + 900, rtol=1e-12)


def test_share_path_by_hand():
    # One year, a flat market of 100, a contract of 10 all caused by the deal, all of it
    # from Microsoft: AWS 60, Microsoft 20 of 100: HHI 3,600 + 400 against 2,500 + 900.
    path = share_path(SHARES, 100.0, 0.0, 10.0, 1.0, 1.0, {"Microsoft": 1.0})
    assert_allclose(path["hhi_delta"], [4000.0 - 3400.0], rtol=1e-12)
    assert_allclose(path["shift_pct_points"], [10.0], rtol=1e-12)
    # The same as new demand: AWS 60, Microsoft 30 of 110.
    path = share_path(SHARES, 100.0, 0.0, 10.0, 1.0, 1.0, {})
    expected = (100 * 60 / 110) ** 2 + (100 * 30 / 110) ** 2 - 3400.0
    assert_allclose(path["hhi_delta"], [expected], rtol=1e-12)
    # A growing market: year 2 of a 2-year contract of 20, half caused, g = 10 %:
    # market 121, AWS 60.5 + 5, Microsoft 36.3 (no diversion), of 126.
    path = share_path(SHARES, 100.0, 0.1, 20.0, 2.0, 0.5, {})
    year2 = path.iloc[1]
    assert_allclose(year2["market_usd_bn"], 121.0, rtol=1e-12)
    assert_allclose(year2["share_after_pct"], 100 * 65.5 / 126, rtol=1e-12)
    three = {**SHARES, "Google": 10.0}
    with pytest.raises(ValueError, match="diversion: shares add up to 1.5"):
        share_path(three, 100.0, 0.0, 10.0, 1.0, 1.0, {"Microsoft": 0.75, "Google": 0.75})
    with pytest.raises(ValueError, match="expected a rival among"):
        share_path(SHARES, 100.0, 0.0, 10.0, 1.0, 1.0, {"AWS": 0.5})
    with pytest.raises(ValueError, match="deal_caused_share: expected a share in"):
        share_path(SHARES, 100.0, 0.0, 10.0, 1.0, 1.5, {})
    with pytest.raises(ValueError, match="more than its"):
        share_path(SHARES, 10.0, 0.0, 100.0, 1.0, 1.0, {"Microsoft": 1.0})


def test_market_growth_from_the_data():
    shares = load_cloud_shares()
    sizes = shares[shares["series"] == "synergy"].groupby("quarter")["market_usd_bn"].first()
    assert_allclose(
        market_growth_rate(shares, "synergy", "2026Q1"),
        sizes["2026Q1"] / sizes["2025Q1"] - 1,
        rtol=1e-12,
    )
    with pytest.raises(KeyError, match="no market size for 20(19|20)Q1"):
        market_growth_rate(shares, "synergy", "2020Q1")


# --- every scenario: central values inside their bands, the prose renders --------------------


def _params(path: Path) -> dict:
    nb = json.loads(NOTEBOOK.read_text())
    cell = next(c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", []))
    params: dict = {}
    exec("".join(cell["source"]), {}, params)  # the cell holds literals only
    scenario = yaml.safe_load(path.read_text())
    params.update({k: v for k, v in scenario.items() if k in params})
    params["draws"] = 300
    return params


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_every_scenario_central_values_in_bands_and_prose_clean(path):
    params = _params(path)
    facts = load_facts()
    analysis = flows_report.analyse(params, facts, load_flows(), load_cloud_shares())
    split = analysis.web.split
    for value, band in [
        (split.circular_share_pct, analysis.band),
        (split.circular_volume_usd_bn, analysis.volume_band),
        (split.total_usd_bn, analysis.total_band),
    ]:
        recorded = flows_report.record_band(value, band)
        if recorded:
            assert recorded["p10"] <= value <= recorded["p90"]
    assert flows_report.record_band(split.circular_share_pct, analysis.band), path.stem
    assert split.circular_volume_usd_bn <= analysis.upper_usd_bn + 1e-6
    contexts = flows_report.words(analysis, params, facts)
    matters = regulators.load_matters(facts=facts)
    contexts["04_cross_investments/regulators"] = flows_report.regulator_words(
        matters, facts, contexts["04_cross_investments/money"]["reading_name"]
    )
    texts = narrative.render_all(contexts)
    assert set(texts) == {
        n for n in narrative.template_names() if n.startswith("04_cross_investments/")
    }
    for name, text in texts.items():
        assert narrative.check_rendered(text) == [], (path.stem, name, text)
        assert text.startswith("**In plain words.**"), name


def test_record_band_drops_a_band_that_misses_its_central_value():
    assert flows_report.record_band(5.0, (1.0, 4.0, 6.0)) == {"p10": 1.0, "p50": 4.0, "p90": 6.0}
    assert flows_report.record_band(7.0, (1.0, 4.0, 6.0)) == {}


# --- regulators and the watch-list ----------------------------------------------------------

MATTER = {
    "id": "m1", "regulator": "UK CMA", "matter": "cloud", "parties": "AWS", "opened": "2025-07",
    "status": "open", "last_step": "commitments", "last_step_date": "2026-03-31",
    "next_step": "review", "next_date": "2026-09", "facts": "cma_cloud_sms_shelved_2026_03_31",
    "note": "",
}  # fmt: skip


def _write(path, columns, rows):
    import csv

    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_regulatory_matters_load_count_and_timeline(tmp_path):
    facts = load_facts()
    matters = regulators.load_matters(facts=facts)
    assert set(matters["status"]) <= set(regulators.MATTER_STATUSES)
    assert regulators.open_matters_count(matters) == int((matters["status"] == "open").sum())
    assert {"eu_dma_cloud", "cma_cloud_sms"} <= set(matters.loc[matters["status"] == "open", "id"])
    watch = regulators.load_watchlist(facts=facts)
    assert set(watch["look_for"]) <= set(regulators.LOOK_FOR) and len(watch) >= 6
    # by hand: one matter opened 2025-07, a step 2026-03-31, a next step due 2026-09
    frame = regulators.load_matters(
        _write(tmp_path / "m.csv", regulators.MATTER_COLUMNS, [MATTER]), facts=facts
    )
    events = regulators.timeline(frame, facts)
    assert events["event"].tolist() == ["opened", "step", "expected"]
    assert events["date"].tolist() == [
        pd.Timestamp(2025, 7, 1), pd.Timestamp(2026, 3, 31), pd.Timestamp(2026, 9, 1)
    ]  # fmt: skip
    assert events["status"].tolist() == ["confirmed", "confirmed", "expected"]
    assert regulators.open_matters_count(frame) == 1
    words = flows_report.regulator_words(frame, facts, "the deal as reported")
    assert words["open_matters"][0]["overdue"]  # due 2026-09, searched 2026-12-02


@pytest.mark.parametrize(
    ("change", "column", "expected"),
    [
        ({"status": "pending"}, "status", "one of open, closed, unknown"),
        ({"opened": "July 2025"}, "opened", "a date YYYY"),
        ({"facts": "no_such_fact"}, "facts", "fact ids of data/facts.csv"),
        ({"next_step": ""}, "next_step", "the next step of an open matter"),
        ({"regulator": ""}, "regulator", "a value"),
    ],
)
def test_regulatory_matters_errors_name_file_line_column(tmp_path, change, column, expected):
    path = _write(
        tmp_path / "m.csv", regulators.MATTER_COLUMNS, [MATTER, {**MATTER, "id": "m2", **change}]
    )
    with pytest.raises(regulators.RegulatorDataError) as info:
        regulators.load_matters(path, facts=load_facts())
    assert f"m.csv:3: column '{column}': expected {expected}" in str(info.value)


def test_watchlist_errors(tmp_path):
    row = {c: "x" for c in regulators.WATCH_COLUMNS} | {
        "id": "w1", "look_for": "tweet", "expected": "soon", "facts": ""
    }  # fmt: skip
    with pytest.raises(regulators.RegulatorDataError) as info:
        regulators.load_watchlist(_write(tmp_path / "w.csv", regulators.WATCH_COLUMNS, [row]))
    message = str(info.value)
    assert "w.csv:2: column 'look_for': expected one of 8-K" in message
    assert "w.csv:2: column 'expected': expected a date" in message
