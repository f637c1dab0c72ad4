"""The cross-investment graph, the circulating/one-way split, concentration, the flow data
loaders, the panel, and notebook 04 end to end."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from valse.data.facts import load_facts
from valse.data.flowdata import FLOW_COLUMNS, FlowDataError, load_flows
from valse.data.sharedata import SHARE_COLUMNS, load_cloud_shares
from valse.model.flows.concentration import (
    herfindahl_index,
    hhi_after_shift,
    hhi_by_quarter,
    hhi_change_from_shift,
    merger_screen,
    shares_in,
)
from valse.model.flows.cycles import (
    circular_share_pct,
    cycles_table,
    decompose_circulation,
    max_circular_volume_usd_bn,
    max_circulation_usd_bn,
)
from valse.model.flows.draws import (
    circular_share_pct_draws,
    circulation_draws,
    draw_amounts,
    tranche_paid_draws,
)
from valse.model.flows.graph import (
    flow_graph,
    money_positions,
    reciprocal_pairs,
    total_flows_usd_bn,
)
from valse.model.flows.selection import apply_deal_reading, filter_flows, set_amounts
from valse.model.flows.shift import share_shift_pct_points
from valse.model.flows.suppliers import investor_exposure

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "04_cross_investments.ipynb"


def edges(*triples, kind="equity_paid", status="confirmed"):
    return [
        {"id": f"f{i}", "from": u, "to": v, "amount_usd_bn": a, "kind": kind, "status": status}
        for i, (u, v, a) in enumerate(triples)
    ]


def split_of(*triples):
    return decompose_circulation(flow_graph(edges(*triples)))


# --- hand-made graphs with known answers ------------------------------------------------


def test_two_node_round_trip():
    # A invests 10 in B, B buys 6 from A: 6 goes round (counted once), 4 is one way.
    graph = flow_graph(edges(("A", "B", 10.0), ("B", "A", 6.0)))
    split = decompose_circulation(graph)
    assert_allclose(split.circular_volume_usd_bn, 6.0, rtol=1e-12)
    assert_allclose(split.legs_volume_usd_bn, 12.0, rtol=1e-12)
    assert_allclose(split.one_way_volume_usd_bn, 4.0, rtol=1e-12)
    assert_allclose(split.total_usd_bn, 16.0, rtol=1e-12)
    assert_allclose(split.circular_share_pct, 100 * 6 / 16, rtol=1e-12)
    assert split.one_way == {("A", "B"): 4.0, ("B", "A"): 0.0}
    pairs = reciprocal_pairs(graph)
    assert len(pairs) == 1
    row = pairs.iloc[0]
    assert (row.company_a, row.company_b) == ("A", "B")
    assert_allclose(row.round_trip_usd_bn, 6.0)
    assert_allclose(max_circulation_usd_bn(graph), 12.0, rtol=1e-9)
    assert_allclose(max_circular_volume_usd_bn(graph), 6.0, rtol=1e-9)


def test_three_node_cycle():
    split = split_of(("A", "B", 5.0), ("B", "C", 3.0), ("C", "A", 4.0))
    # bottleneck 3 goes round the three edges: 3 goes round (9 of legs), 2 + 0 + 1 one way
    assert_allclose(split.circular_volume_usd_bn, 3.0, rtol=1e-12)
    assert_allclose(split.legs_volume_usd_bn, 9.0, rtol=1e-12)
    assert_allclose(split.circular_share_pct, 100 * 3 / 12, rtol=1e-12)
    assert_allclose(split.one_way_volume_usd_bn, 3.0, rtol=1e-12)
    assert split.cancelled == ((("A", "B", "C"), 3.0),)
    table = cycles_table(flow_graph(edges(("A", "B", 5.0), ("B", "C", 3.0), ("C", "A", 4.0))))
    assert list(table["cycle"]) == ["A → B → C → A"]
    assert_allclose(table["bottleneck_usd_bn"], [3.0])


def test_tree_has_no_cycle():
    graph = flow_graph(edges(("A", "B", 3.0), ("A", "C", 4.0), ("C", "D", 2.0)))
    split = decompose_circulation(graph)
    assert split.circular_volume_usd_bn == 0.0
    assert_allclose(split.one_way_volume_usd_bn, 9.0, rtol=1e-12)
    assert split.circular_share_pct == 0.0
    assert cycles_table(graph).empty
    assert reciprocal_pairs(graph).empty
    assert max_circulation_usd_bn(graph) == pytest.approx(0.0, abs=1e-12)


def test_parallel_edges_are_added_up_first():
    rows = edges(("A", "B", 4.0)) + [
        {"id": "g", "from": "A", "to": "B", "amount_usd_bn": 6.0, "kind": "equity_conditional"},
        {"id": "h", "from": "B", "to": "A", "amount_usd_bn": 5.0, "kind": "purchase_commitment"},
    ]
    graph = flow_graph(rows)
    assert graph.number_of_edges() == 2
    assert graph["A"]["B"]["amount_usd_bn"] == 10.0
    assert graph["A"]["B"]["by_kind"] == {"equity_paid": 4.0, "equity_conditional": 6.0}
    assert graph["A"]["B"]["ids"] == ["f0", "g"]
    split = decompose_circulation(graph)
    assert_allclose(split.circular_volume_usd_bn, 5.0, rtol=1e-12)  # 5 each way, counted once
    assert_allclose(total_flows_usd_bn(graph), 15.0, rtol=1e-12)


def test_two_cycles_sharing_an_edge():
    # A→B 10, B→A 6, B→C 3, C→A 5. Cancel A⇄B (bottleneck 6, the largest): A→B left 4.
    # Then A→B→C→A with bottleneck min(4, 3, 5) = 3. Legs 2×6 + 3×3 = 21 of 24; going round,
    # each loop counted once, 6 + 3 = 9.
    graph = flow_graph(
        edges(("A", "B", 10.0), ("B", "A", 6.0), ("B", "C", 3.0), ("C", "A", 5.0))
    )
    split = decompose_circulation(graph)
    assert_allclose(split.legs_volume_usd_bn, 21.0, rtol=1e-12)
    assert_allclose(split.circular_volume_usd_bn, 9.0, rtol=1e-12)
    assert split.one_way == {("A", "B"): 1.0, ("B", "A"): 0.0, ("B", "C"): 0.0, ("C", "A"): 2.0}
    assert_allclose(split.cancelled_frame()["legs_usd_bn"].sum(), 21.0, rtol=1e-12)
    assert_allclose(split.cancelled_frame()["amount_usd_bn"].sum(), 9.0, rtol=1e-12)
    # cycle packing: x_AB-A + x_ABCA <= 10 on A→B, x_ABA <= 6, x_ABCA <= 3: at most 9
    assert_allclose(max_circular_volume_usd_bn(graph), 9.0, rtol=1e-9)
    # LP: f_AB <= 10, f_AB = f_BA + f_BC <= 6 + 3 = 9, so at most 9 + 6 + 3 + 3 = 21
    assert_allclose(max_circulation_usd_bn(graph), 21.0, rtol=1e-9)
    positions = money_positions(graph)
    assert_allclose(positions.loc["A", ["money_in_usd_bn", "money_out_usd_bn"]], [11.0, 10.0])
    assert_allclose(positions.loc["C", "net_usd_bn"], 3.0 - 5.0)


def test_greedy_split_is_not_unique_and_bounded_by_the_lp():
    # Both cycles have bottleneck 1; the rule picks the shorter one (A⇄B: legs 2), while
    # the 3-cycle alone would give 3 of legs. The legs LP finds 3. Counted once, either loop
    # carries 1 and they share A → B, so the cycle-packing bound is 1 too.
    graph = flow_graph(edges(("A", "B", 1.0), ("B", "A", 1.0), ("B", "C", 1.0), ("C", "A", 1.0)))
    assert_allclose(decompose_circulation(graph).legs_volume_usd_bn, 2.0, rtol=1e-12)
    assert_allclose(max_circulation_usd_bn(graph), 3.0, rtol=1e-9)
    assert_allclose(max_circular_volume_usd_bn(graph), 1.0, rtol=1e-9)
    # Loops that share an edge share its money: A→B 2 feeds both loops, 1.5 + 0.5.
    graph = flow_graph(edges(("A", "B", 2.0), ("B", "A", 1.5), ("B", "C", 1.0), ("C", "A", 1.0)))
    assert_allclose(decompose_circulation(graph).circular_volume_usd_bn, 2.0, rtol=1e-12)
    assert_allclose(max_circular_volume_usd_bn(graph), 2.0, rtol=1e-9)


def test_flow_graph_refuses_negative_amounts():
    with pytest.raises(ValueError, match=r"flow 'f0': amount_usd_bn must be .*>= 0.*-1"):
        flow_graph(edges(("A", "B", -1.0)))


def test_circular_share_checks_its_inputs():
    assert circular_share_pct(0.0, 0.0) == 0.0
    assert_allclose(circular_share_pct(30.0, 120.0), 25.0, rtol=1e-12)
    with pytest.raises(ValueError, match="exceeds total"):
        circular_share_pct(5.0, 4.0)


# --- invariants ---------------------------------------------------------------------------

NODES = list("ABCDEF")
graphs = st.lists(
    st.tuples(
        st.sampled_from(NODES),
        st.sampled_from(NODES),
        st.floats(0.0, 100.0, allow_nan=False).map(lambda x: round(x, 3)),
    ).filter(lambda t: t[0] != t[1]),
    max_size=18,
)


@settings(max_examples=150, deadline=None)
@given(graphs)
def test_split_conserves_money_and_leaves_no_cycle(triples):
    graph = flow_graph(edges(*triples))
    split = decompose_circulation(graph)
    tol = 1e-9 * max(1.0, split.total_usd_bn)
    # conservation, edge by edge and in total
    for e, a in split.total.items():
        assert split.circulating[e] + split.one_way[e] == pytest.approx(a, abs=tol)
        assert -tol <= split.circulating[e] <= a + tol
    assert split.legs_volume_usd_bn + split.one_way_volume_usd_bn == pytest.approx(
        total_flows_usd_bn(graph), abs=tol
    )
    assert_allclose(split.total_usd_bn, sum(t[2] for t in triples), atol=tol)
    # the circulating part balances at every company
    for node in graph.nodes:
        inflow = sum(a for (u, v), a in split.circulating.items() if v == node)
        outflow = sum(a for (u, v), a in split.circulating.items() if u == node)
        assert inflow == pytest.approx(outflow, abs=tol)
    # what is left is one way: no cycle
    rest = nx.DiGraph([e for e, a in split.one_way.items() if a > tol])
    assert nx.is_directed_acyclic_graph(rest)
    # the greedy split never beats the largest possible circulation, nor the loop packing
    assert split.legs_volume_usd_bn <= max_circulation_usd_bn(graph) + 1e-6 * max(
        1.0, split.total_usd_bn
    )
    assert split.circular_volume_usd_bn <= max_circular_volume_usd_bn(graph) + 1e-6 * max(
        1.0, split.total_usd_bn
    )
    # each loop counted once: the money going round is at most half the legs (loops have two
    # legs or more)
    assert split.circular_volume_usd_bn <= split.legs_volume_usd_bn / 2 + tol
    assert 0.0 <= split.circular_share_pct <= 100.0 + 1e-9
    # net positions add up to zero
    assert money_positions(graph)["net_usd_bn"].sum() == pytest.approx(0.0, abs=tol)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.floats(0, 50), min_size=2, max_size=8).filter(lambda s: sum(s) <= 100),
    st.floats(0, 1),
)
def test_hhi_change_from_shift_matches_the_closed_form(shares, fraction):
    named = {f"p{i}": s for i, s in enumerate(shares)}
    d = fraction * named["p0"]
    after = hhi_after_shift(named, "p0", "p1", d)
    assert after - herfindahl_index(shares) == pytest.approx(
        hhi_change_from_shift(named["p0"], named["p1"], d), abs=1e-7
    )


# --- concentration --------------------------------------------------------------------------


def test_hhi_of_known_shares():
    assert herfindahl_index([100.0]) == 10_000.0
    for n in (2, 4, 5, 10):
        assert_allclose(herfindahl_index([100.0 / n] * n), 10_000.0 / n, rtol=1e-12)
    assert_allclose(herfindahl_index([28, 21, 14]), 784 + 441 + 196, rtol=1e-12)


def test_hhi_after_shift_by_hand():
    shares = {"AWS": 28.0, "Microsoft": 21.0, "Google": 14.0}
    # 2 points from Microsoft to AWS: 30² + 19² + 14² = 900 + 361 + 196
    assert_allclose(hhi_after_shift(shares, "Microsoft", "AWS", 2.0), 1457.0, rtol=1e-12)
    assert_allclose(hhi_change_from_shift(21.0, 28.0, 2.0), 1457.0 - 1421.0, rtol=1e-12)
    with pytest.raises(ValueError, match=r"shift_pct_points: expected between 0 and .*21"):
        hhi_after_shift(shares, "Microsoft", "AWS", 25.0)
    with pytest.raises(KeyError, match="Azure"):
        hhi_after_shift(shares, "Azure", "AWS", 1.0)


def test_share_shift_from_a_contract():
    # $100bn over 8 years = $12.5bn a year; a year of a $129bn-a-quarter market is $516bn
    assert_allclose(share_shift_pct_points(100.0, 8.0, 129.0), 100 * 12.5 / 516, rtol=1e-12)
    with pytest.raises(ValueError, match="contract_years"):
        share_shift_pct_points(100.0, 0.0, 129.0)


def test_merger_screen_against_the_facts_thresholds():
    facts = load_facts()
    high = facts.value("merger_guidelines_2023_hhi_highly_concentrated")
    delta = facts.value("merger_guidelines_2023_hhi_delta")
    assert (high, delta) == (1800.0, 100.0)  # the 2023 Merger Guidelines, section 2.1
    screen = merger_screen(1900.0, 150.0, high, delta)
    assert screen.highly_concentrated and screen.significant_increase and screen.presumption
    screen = merger_screen(1500.0, 150.0, high, delta)
    assert not screen.highly_concentrated and screen.significant_increase
    assert not screen.presumption and "below" in screen.label
    screen = merger_screen(1800.0, 100.0, high, delta)  # "above" is strict
    assert not screen.highly_concentrated and not screen.significant_increase


def test_hhi_by_quarter_on_a_small_frame():
    frame = pd.DataFrame(
        {
            "quarter": ["2025Q4"] * 3 + ["2026Q1"] * 2,
            "series": ["synergy"] * 5,
            "provider": ["AWS", "Microsoft", "Oracle", "AWS", "Microsoft"],
            "share_pct": [30.0, 20.0, 3.0, 28.0, 21.0],
            "market_usd_bn": [100.0] * 3 + [float("nan")] * 2,
            "quarter_start": [pd.Timestamp(2025, 10, 1)] * 3 + [pd.Timestamp(2026, 1, 1)] * 2,
        }
    )
    out = hhi_by_quarter(frame, providers=["AWS", "Microsoft"])
    assert_allclose(out["hhi"], [900 + 400, 784 + 441], rtol=1e-12)
    assert list(out["n_providers"]) == [2, 2]
    assert_allclose(hhi_by_quarter(frame)["hhi"].iloc[0], 1309.0, rtol=1e-12)
    assert shares_in(frame, "2026Q1", "synergy") == {"AWS": 28.0, "Microsoft": 21.0}
    with pytest.raises(KeyError, match="no cloud shares for 2024Q1"):
        shares_in(frame, "2024Q1", "synergy")


# --- exposure, filters, the deal's readings ----------------------------------------------------


def test_investor_exposure_by_hand():
    frame = pd.DataFrame(
        edges(("Amazon", "Anthropic", 8.0), ("Amazon", "OpenAI", 50.0), ("Amazon", "X", 2.0))
        + edges(("OpenAI", "Amazon", 38.0), kind="purchase_commitment")
        + edges(("Google", "Anthropic", 3.0))
    )
    out = investor_exposure(frame)
    assert list(out.index) == ["Amazon", "Google"]
    amazon = out.loc["Amazon"]
    assert_allclose(amazon["ai_bets_usd_bn"], 60.0)  # the compute commitment is not a bet
    assert_allclose(amazon["OpenAI_share_pct"], 100 * 50 / 60, rtol=1e-12)
    assert_allclose(amazon["Anthropic_share_pct"], 100 * 8 / 60, rtol=1e-12)
    assert amazon["rivals_backed"] == 2 and out.loc["Google", "rivals_backed"] == 1


def _frame():
    return pd.DataFrame(
        [
            {"id": "a", "from": "A", "to": "B", "kind": "equity_paid", "status": "confirmed",
             "announced": "2024-05", "amount_usd_bn": 1.0},
            {"id": "b", "from": "B", "to": "A", "kind": "purchase_commitment",
             "status": "reported", "announced": "2025-10-28", "amount_usd_bn": 2.0},
            {"id": "c", "from": "C", "to": "A", "kind": "equity_paid", "status": "lapsed",
             "announced": "2025", "amount_usd_bn": 4.0},
        ]
    )  # fmt: skip


def test_filter_flows_by_status_kind_and_window():
    frame = _frame()
    assert list(filter_flows(frame)["id"]) == ["a", "b"]
    assert list(filter_flows(frame, statuses=["confirmed"])["id"]) == ["a"]
    assert list(filter_flows(frame, kinds=["equity_paid"])["id"]) == ["a"]
    assert list(filter_flows(frame, date_from="2025-01-01")["id"]) == ["b"]
    assert list(filter_flows(frame, date_to="2024")["id"]) == ["a"]
    assert list(filter_flows(frame, date_to="2025-10-27")["id"]) == ["a"]
    everything = filter_flows(frame, statuses=["confirmed", "reported", "lapsed"])
    assert len(everything) == 3


def test_the_loaded_flows_filter_by_their_parsed_dates_as_by_the_text():
    flows = load_flows()
    as_text = flows.drop(columns="announced_date")  # the fallback parses "announced"
    for window in ({"date_from": "2025-06"}, {"date_to": "2025-10-31"},
                   {"date_from": "2024", "date_to": "2026-01"}):
        kept = filter_flows(flows, **window)["id"].tolist()
        assert kept == filter_flows(as_text, **window)["id"].tolist(), window
        assert 0 < len(kept) < len(flows), window  # each window keeps some and drops some


def test_a_graph_from_a_frame_is_the_graph_from_its_rows():
    flows = load_flows()
    from_frame = flow_graph(flows)
    from_rows = flow_graph(flows.to_dict("records"))
    assert sorted(from_frame.edges(data=True)) == sorted(from_rows.edges(data=True))
    assert sorted(from_frame.nodes) == sorted(from_rows.nodes)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"statuses": ["rumoured"]}, r"statuses: expected values among .*found \['rumoured'\]"),
        ({"kinds": ["loan"]}, r"kinds: expected values among .*found \['loan'\]"),
        ({"date_from": "2025/01/01"}, r"date_from: expected a date .*'2025/01/01'"),
        ({"date_from": "2026", "date_to": "2025"}, r"date_from <= date_to"),
    ],
)
def test_filter_flows_errors_name_the_argument(kwargs, message):
    with pytest.raises(ValueError, match=message):
        filter_flows(_frame(), **kwargs)


def test_set_amounts():
    out = set_amounts(
        _frame().assign(low_usd_bn=0.5, high_usd_bn=3.0, has_range=True), {"a": 9.0}
    )
    assert out.loc[0, ["amount_usd_bn", "low_usd_bn", "high_usd_bn"]].tolist() == [9.0] * 3
    assert not out.loc[0, "has_range"] and out.loc[1, "has_range"]
    with pytest.raises(ValueError, match="expected a flow id of the data, found 'zz'"):
        set_amounts(_frame(), {"zz": 1.0})


def _raw_amounts() -> dict[str, float]:
    with (ROOT / "data" / "flows.csv").open(newline="") as handle:
        return {r["id"]: float(r["amount_usd_bn"]) for r in csv.DictReader(handle)}


def _raw_live_total() -> float:
    with (ROOT / "data" / "flows.csv").open(newline="") as handle:
        return sum(
            float(r["amount_usd_bn"])
            for r in csv.DictReader(handle)
            if r["status"] in ("confirmed", "reported")
        )


def _deal(investment, upfront, services, **more):
    from valse.model.deal import create_deal

    base = yaml.safe_load((ROOT / "data" / "scenarios" / "base.yaml").read_text())
    return create_deal(
        base,
        amazon_investment_usd_bn=investment,
        amazon_upfront_usd_bn=upfront,
        aws_services_usd_bn=services,
        **more,
    )


def test_the_deal_in_both_readings():
    flows = filter_flows(load_flows())
    raw = _raw_amounts()
    talks = raw["amazon_openai_talks_2025_12"] + raw["amazon_openai_talks_2026_01"]
    deal = raw["amazon_openai_2026_upfront"] + raw["amazon_openai_2026_contingent"]

    base = apply_deal_reading(flows, _deal(50.0, 15.0, 100.0))
    assert (base.attrs["reading"], base.attrs["case"]) == ("reported", "separate")
    amounts = dict(zip(base["id"], base["amount_usd_bn"], strict=True))
    assert "amazon_openai_talks_2026_01" not in amounts
    assert (amounts["amazon_openai_2026_upfront"], amounts["amazon_openai_2026_contingent"]) == (
        15.0,
        35.0,
    )
    assert amounts["openai_aws_2026_02_expansion"] == 100.0
    # the file's deal rows already say 15 + 35 and 100: only the talks go
    assert_allclose(base["amount_usd_bn"].sum(), _raw_live_total() - talks, rtol=1e-12)

    rumour = apply_deal_reading(flows, _deal(50.0, 50.0, 38.0))
    assert (rumour.attrs["reading"], rumour.attrs["case"]) == ("rumour", "inside")
    amounts = dict(zip(rumour["id"], rumour["amount_usd_bn"], strict=True))
    assert amounts["amazon_openai_talks_2026_01"] == 50.0
    assert amounts["openai_aws_2025_11"] == 38.0
    for gone in ("amazon_openai_2026_upfront", "openai_aws_2026_02_expansion"):
        assert gone not in amounts
    expected = (
        _raw_live_total()
        - raw["amazon_openai_talks_2025_12"]
        - deal
        - raw["openai_aws_2026_02_expansion"]
    )
    assert_allclose(rumour["amount_usd_bn"].sum(), expected, rtol=1e-12)
    # a slider moving the investment moves the flow
    moved = apply_deal_reading(flows, _deal(60.0, 20.0, 80.0))
    amounts = dict(zip(moved["id"], moved["amount_usd_bn"], strict=True))
    assert amounts["amazon_openai_2026_contingent"] == 40.0
    assert amounts["openai_aws_2026_02_expansion"] == 80.0


def test_amount_draws_stay_in_range_and_are_seeded():
    frame = pd.DataFrame(edges(("A", "B", 10.0), ("B", "A", 6.0))).assign(
        low_usd_bn=[8.0, 6.0], high_usd_bn=[10.0, 9.0]
    )
    a = draw_amounts(frame, np.random.default_rng(1), 500)
    b = draw_amounts(frame, np.random.default_rng(1), 500)
    assert_allclose(a, b)
    assert a.shape == (500, 2)
    assert (a[:, 0] >= 8).all() and (a[:, 0] <= 10).all() and (a[:, 1] >= 6).all()
    shares = circular_share_pct_draws(frame, a)
    expected = 100 * np.minimum(a[:, 0], a[:, 1]) / a.sum(axis=1)  # the loop counted once
    assert_allclose(shares, expected, rtol=1e-12)


# --- the data files -------------------------------------------------------------------------


def test_the_data_files_load():
    flows = load_flows()
    assert len(flows) > 20 and (flows["amount_usd_bn"] >= 0).all()
    assert {"confirmed", "reported"} <= set(flows["status"])
    shares = load_cloud_shares()
    assert set(shares["series"]) == {"synergy", "omdia"}
    assert shares.groupby(["quarter", "series"])["share_pct"].sum().max() <= 100


GOOD_FLOW = {
    "id": "amazon_openai_x",
    "from": "Amazon",
    "to": "OpenAI",
    "kind": "equity_paid",
    "amount_usd_bn": "50",
    "low_usd_bn": "",
    "high_usd_bn": "50",
    "announced": "2026-02-27",
    "term_years": "",
    "term_fact": "",
    "probability_fact": "",
    "status": "confirmed",
    "derived_from": "",
    "source": "A publisher",
    "title": "",
    "source_date": "",
    "url": "",
    "note": "",
}


def _write(path: Path, columns, rows) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.mark.parametrize(
    ("change", "column", "expected", "found"),
    [
        ({"from": "Amazn"}, "from", "one of Amazon", "'Amazn'"),
        ({"to": "Meta"}, "to", "one of Amazon", "'Meta'"),
        ({"amount_usd_bn": "-5", "high_usd_bn": ""}, "amount_usd_bn", "a number >= 0", "'-5'"),
        ({"amount_usd_bn": "50bn"}, "amount_usd_bn", "a plain number", "'50bn'"),
        ({"status": "rumoured"}, "status", "one of confirmed, reported, estimate", "'rumoured'"),
        ({"kind": "loan"}, "kind", "one of equity_paid", "'loan'"),
        ({"kind": "purchase_commitment"}, "term_years", "a term > 0 for a live", "''"),
        ({"kind": "equity_conditional"}, "probability_fact", "the fact id of the condition", "''"),
        ({"probability_fact": "p_x"}, "probability_fact", "an empty cell (only", "'p_x'"),
        ({"status": "estimate"}, "derived_from", "the expression over fact ids", "''"),
        ({"term_years": "5"}, "term_fact", "the fact id the term comes from", "''"),
        ({"term_fact": "t_x"}, "term_years", "the term given by fact t_x", "''"),
        ({"announced": "27/02/2026"}, "announced", "a date YYYY", "'27/02/2026'"),
        ({"low_usd_bn": "60", "high_usd_bn": "50"}, "low_usd_bn", "a low bound at or", "'60'"),
        ({"high_usd_bn": "40"}, "high_usd_bn", "a high bound at or above amount", "'40'"),
        ({"to": "Amazon"}, "to", "a company other than 'from'", "'Amazon'"),
        ({"source": ""}, "source", "the publisher", "''"),
    ],
)  # fmt: skip
def test_flow_validation_errors_name_file_line_column(tmp_path, change, column, expected, found):
    path = _write(
        tmp_path / "flows.csv", FLOW_COLUMNS, [GOOD_FLOW, {**GOOD_FLOW, "id": "b", **change}]
    )
    with pytest.raises(FlowDataError) as info:
        load_flows(path)
    message = str(info.value)
    assert f"flows.csv:3: column '{column}': expected {expected}" in message
    assert f"found {found}" in message
    assert len(info.value.problems) == 1


def test_flow_validation_lists_every_problem_and_header_errors(tmp_path):
    rows = [{**GOOD_FLOW, "from": "X"}, GOOD_FLOW, {**GOOD_FLOW, "status": "maybe"}]
    with pytest.raises(FlowDataError) as info:
        load_flows(_write(tmp_path / "f.csv", FLOW_COLUMNS, rows))
    problems = info.value.problems
    assert any("f.csv:2: column 'from'" in p for p in problems)
    assert any(
        "f.csv:3: column 'id': expected a unique id (already on line 2)" in p for p in problems
    )
    assert any("f.csv:4: column 'status'" in p for p in problems)
    with pytest.raises(FlowDataError, match=r"f2.csv:1: header: .*missing amount_usd_bn"):
        cols = [c for c in FLOW_COLUMNS if c != "amount_usd_bn"]
        load_flows(_write(tmp_path / "f2.csv", cols, [{c: GOOD_FLOW[c] for c in cols}]))
    loaded = load_flows(_write(tmp_path / "ok.csv", FLOW_COLUMNS, [GOOD_FLOW]))
    assert loaded.loc[0, "low_usd_bn"] == 50.0 and loaded.loc[0, "has_range"]


GOOD_SHARE = {
    "quarter": "2025Q4",
    "series": "synergy",
    "provider": "AWS",
    "share_pct": "28",
    "market_usd_bn": "119.1",
    "source": "Synergy",
    "title": "",
    "source_date": "2026-02",
    "url": "https://example.org/x",
    "note": "",
}


@pytest.mark.parametrize(
    ("rows", "needle"),
    [
        ([{**GOOD_SHARE, "quarter": "2025-Q4"}], "column 'quarter': expected a quarter such as"),
        ([{**GOOD_SHARE, "series": "gartner"}], "column 'series': expected one of synergy, omdia"),
        ([{**GOOD_SHARE, "share_pct": "128"}], "column 'share_pct': expected a percentage"),
        ([{**GOOD_SHARE, "market_usd_bn": "-1"}], "column 'market_usd_bn': expected a number >= 0"),
        ([{**GOOD_SHARE, "url": "www.x"}], "column 'url': expected an http(s)://"),
        ([GOOD_SHARE, GOOD_SHARE], "s.csv:3: column 'provider': expected one row per quarter"),
        (
            [GOOD_SHARE, {**GOOD_SHARE, "provider": "Microsoft", "share_pct": "80"}],
            "expected shares of 2025Q4 (synergy) adding up to at most 100, found 108",
        ),
    ],
)  # fmt: skip
def test_share_validation_errors(tmp_path, rows, needle):
    with pytest.raises(FlowDataError) as info:
        load_cloud_shares(_write(tmp_path / "s.csv", SHARE_COLUMNS, rows))
    assert needle in str(info.value)


# --- the panel --------------------------------------------------------------------------------


def test_panel_follows_its_controls():
    import ipywidgets  # noqa: F401 - a dependency: fail, never skip, when missing

    from valse.report.explore_flows import flows_panel

    frame = pd.DataFrame(
        edges(("A", "B", 10.0))
        + edges(("B", "A", 6.0), kind="purchase_commitment", status="reported")
        + edges(("C", "A", 9.0), kind="price_concession", status="estimate")
    ).assign(announced="2025-01")
    shares = {"AWS": 28.0, "Microsoft": 21.0, "Google": 14.0}
    panel = flows_panel(frame, shares, from_provider="Microsoft", to_provider="AWS", draw=False)
    # the estimated price concession is not money: not in the sums unless ticked
    assert not panel.toggles["kind:price_concession"].value
    assert not panel.toggles["status:estimate"].value
    assert_allclose(panel.figures["total_flows_usd_bn"], 16.0, rtol=1e-12)
    assert_allclose(panel.figures["circular_share_pct"], 100 * 6 / 16, rtol=1e-12)
    assert_allclose(panel.figures["cloud_hhi"], 1421.0, rtol=1e-12)
    panel.sliders["shift_pct_points"].value = 2.0
    assert_allclose(panel.figures["cloud_hhi_after_shift"], 1457.0, rtol=1e-12)
    assert_allclose(panel.figures["cloud_hhi_delta"], 36.0, rtol=1e-12)
    panel.toggles["status:reported"].value = False  # the 6 back from B goes
    assert_allclose(panel.figures["total_flows_usd_bn"], 10.0, rtol=1e-12)
    assert panel.figures["circular_volume_usd_bn"] == 0.0
    panel.toggles["status:reported"].value = True
    panel.toggles["kind:equity_paid"].value = False
    assert_allclose(panel.figures["total_flows_usd_bn"], 6.0, rtol=1e-12)
    assert "1,457" in panel.table.value or "1457" in panel.table.value


def test_panel_shows_net_positions_and_draws_the_network_on_demand(monkeypatch):
    import ipywidgets  # noqa: F401 - a dependency: fail, never skip, when missing
    import matplotlib.pyplot as plt
    from bs4 import BeautifulSoup

    from valse.report import charts_flows
    from valse.report.explore_flows import flows_panel

    drawn = []
    real_network_chart = charts_flows.network_chart

    def spy(edges_, money_in, title, ax=None):
        drawn.append((edges_.copy(), dict(money_in)))
        return real_network_chart(edges_, money_in, title, ax)

    monkeypatch.setattr(charts_flows, "network_chart", spy)

    def rows(panel) -> list[tuple[str, str]]:
        soup = BeautifulSoup(panel.chart.value, "html.parser")
        return [
            (v.parent.get_text().removesuffix(v.get_text()), v.get_text())
            for v in soup.select(".valse-value")
        ]

    frame = pd.DataFrame(
        edges(("A", "B", 10.0))
        + edges(("B", "A", 6.0), kind="purchase_commitment", status="reported")
    ).assign(announced="2025-01")
    shares = {"AWS": 28.0, "Microsoft": 21.0, "Google": 14.0}
    panel = flows_panel(frame, shares, from_provider="Microsoft", to_provider="AWS")
    # by hand: B receives 10 and pays 6 (net +4), A the opposite; largest net receiver first
    assert rows(panel) == [("B (in 10.0, out 6.0)", "4.0"), ("A (in 6.0, out 10.0)", "−4.0")]
    assert "2 of 2 flows shown" in panel.chart.value
    assert "No flow is equity_conditional in" in panel.chart.value  # ticked, but none in the data
    panel.toggles["status:denied"].value = True  # no denied flow: only the caption changes
    assert "Statuses ticked: confirmed, reported, denied. " in panel.chart.value
    assert "No flow is denied or equity_conditional in" in panel.chart.value
    assert len(rows(panel)) == 2
    chart = panel.chart.value
    panel.sliders["shift_pct_points"].value = 2.0  # the flows do not change: nor does the chart
    assert panel.chart.value == chart
    assert plt.get_fignums() == [] and drawn == []  # no network drawn by a move
    panel.network.outputs = ({"output_type": "stream", "name": "stdout", "text": "old"},)
    panel.toggles["status:reported"].value = False  # the 6 back from B goes
    assert rows(panel) == [("B (in 10.0, out 0.0)", "10.0"), ("A (in 0.0, out 10.0)", "−10.0")]
    assert "1 of 2 flows shown" in panel.chart.value
    assert panel.network.outputs == ()  # a network drawn for other toggles is taken away
    panel.network_button.click()  # draws with matplotlib, and closes its figure
    assert plt.get_fignums() == []
    assert len(drawn) == 1  # the flows of the current toggles: A pays B 10
    assert drawn[0][0]["amount_usd_bn"].tolist() == [10.0]
    assert drawn[0][1] == {"A": 0.0, "B": 10.0}
    panel.toggles["status:confirmed"].value = False
    assert "no flow under these toggles" in panel.chart.value
    off = flows_panel(frame, shares, from_provider="Microsoft", to_provider="AWS", draw=False)
    assert off.chart.value == ""


# --- the notebook end to end ------------------------------------------------------------------

REQUIRED = {
    "cloud_hhi",
    "cloud_hhi_after_shift",
    "cloud_hhi_delta",
    "supplier_equity_to_purchases_pct",
    "max_circular_volume_usd_bn",
    "circular_volume_usd_bn",
    "total_flows_usd_bn",
    "circular_share_pct",
}
RUMOUR = {
    "scenario_name": "rumour",
    "amazon_upfront_usd_bn": 50.0,
    "aws_services_usd_bn": 38.0,
    "round_size_usd_bn": 100.0,
    "contract_years": 7.0,
    "contingent_tranche_probability": 1.0,
    "contingent_tranche_probability_low": 1.0,
    "contingent_tranche_probability_high": 1.0,
    "seed": 20260129,
}


def _expected(parameters):
    from valse.report import flows_report

    nb = json.loads(NOTEBOOK.read_text())
    cell = next(c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", []))
    params: dict = {}
    exec("".join(cell["source"]), {}, params)  # the cell holds literals only
    params.update(parameters, draws=300)
    a = flows_report.analyse(params, load_facts(), load_flows(), load_cloud_shares())
    peak = flows_report.peak_year(a.path)
    return {
        "total_flows_usd_bn": a.web.split.total_usd_bn,
        "circular_volume_usd_bn": a.web.split.circular_volume_usd_bn,
        "circular_share_pct": a.web.split.circular_share_pct,
        "max_circular_volume_usd_bn": a.upper_usd_bn,
        "cloud_hhi": a.path["hhi_before"].iloc[0],
        "cloud_hhi_delta": peak["hhi_delta"],
        "supplier_equity_to_purchases_pct": a.suppliers["ratio_pct"].iloc[0],
    }


@pytest.mark.notebook
@pytest.mark.parametrize("parameters", [{}, RUMOUR], ids=["base", "rumour"])
def test_notebook_end_to_end(tmp_path, parameters, run_notebook):
    records = run_notebook(NOTEBOOK, {"artifacts_dir": str(tmp_path / "artifacts"),
                                      **parameters, "draws": 300}).records
    assert REQUIRED <= set(records)
    for name, value in _expected(parameters).items():
        assert_allclose(records[name]["value"], value, rtol=1e-9, err_msg=name)
    rec = records["circular_share_pct"]
    assert_allclose(
        rec["value"],
        100 * records["circular_volume_usd_bn"]["value"] / records["total_flows_usd_bn"]["value"],
        rtol=1e-9,
    )
    assert rec["p10"] <= rec["value"] <= rec["p90"]
    assert rec["sources"] and rec["params"]
    for r in records.values():
        assert "sources" in r and "params" in r
        if "p10" in r:
            assert r["p10"] <= r["value"] <= r["p90"], r["name"]
    assert (tmp_path / "artifacts" / "flow_matrix.csv").exists()


def test_max_method_reaches_the_largest_circulation():
    graph = flow_graph(edges(("A", "B", 1.0), ("B", "A", 1.0), ("B", "C", 1.0), ("C", "A", 1.0)))
    split = decompose_circulation(graph, method="max")
    assert_allclose(split.legs_volume_usd_bn, 3.0, rtol=1e-9)
    assert_allclose(split.circular_volume_usd_bn, 1.0, rtol=1e-9)
    assert split.cancelled == ((("A", "B", "C"), pytest.approx(1.0)),)
    with pytest.raises(ValueError, match="method: expected 'max' or 'greedy', found 'lp'"):
        decompose_circulation(graph, method="lp")


@settings(max_examples=60, deadline=None)
@given(graphs)
def test_max_split_conserves_money_and_leaves_no_cycle(triples):
    graph = flow_graph(edges(*triples))
    split = decompose_circulation(graph, method="max")
    scale = max(1.0, split.total_usd_bn)
    for e, a in split.total.items():
        assert split.circulating[e] + split.one_way[e] == pytest.approx(a, abs=1e-9 * scale)
        assert split.one_way[e] >= -1e-9 * scale
    assert_allclose(split.legs_volume_usd_bn, max_circulation_usd_bn(graph), atol=1e-6 * scale)
    assert_allclose(
        split.cancelled_frame()["legs_usd_bn"].sum(),
        split.legs_volume_usd_bn,
        atol=1e-6 * scale,
    )
    rest = nx.DiGraph([e for e, a in split.one_way.items() if a > 1e-6 * scale])
    assert nx.is_directed_acyclic_graph(rest)


def test_tranche_paid_draws():
    gen = np.random.default_rng(7)
    assert tranche_paid_draws(gen, 1.0, 1.0, 1.0, 100).tolist() == [1.0] * 100
    assert tranche_paid_draws(gen, 0.0, 0.0, 0.0, 100).tolist() == [0.0] * 100
    paid = tranche_paid_draws(gen, 0.2, 0.5, 0.9, 20_000)
    # mean of a triangular law (0.2 + 0.5 + 0.9) / 3; binomial error ~ 0.0035
    assert paid.mean() == pytest.approx((0.2 + 0.5 + 0.9) / 3, abs=0.015)
    with pytest.raises(ValueError, match="probability_high: expected a probability in"):
        tranche_paid_draws(gen, 0.2, 0.5, 1.5, 10)


def test_circulation_draws_equal_one_decomposition_per_draw():
    import numpy as np
    import pandas as pd

    frame = pd.DataFrame({"from": ["A", "B", "C", "A"], "to": ["B", "C", "A", "C"]})
    rng = np.random.default_rng(0)
    draws = rng.choice([1.0, 2.0, 5.0], size=(40, 4))  # many repeated rows
    got = circulation_draws(frame, draws)
    for i, amounts in enumerate(draws):
        graph = flow_graph(
            [
                {"from": f, "to": t, "amount_usd_bn": a}
                for f, t, a in zip(frame["from"], frame["to"], amounts, strict=True)
            ]
        )
        split = decompose_circulation(graph)
        assert got.loc[i, "circular_volume_usd_bn"] == split.circular_volume_usd_bn
        assert got.loc[i, "total_flows_usd_bn"] == split.total_usd_bn


def test_circulation_draws_match_the_graphs_bit_for_bit_with_parallel_zero_and_self_flows():
    """The edges' amounts are summed and ordered as :func:`flow_graph` does: parallel flows
    added in the flows' order, a pair's edge placed at its first non-zero flow, a company's
    place at its first mention (even in a flow of zero), self-flows kept. The greedy split
    depends on that order, so a different order or summation would show in the figures."""
    # D appears first through a flow that is zero in some draws; A->B three times (parallel:
    # float sums of three depend on their order); C->C a self-flow; B->A, A->C, C->A make
    # crossing cycles.
    frame = pd.DataFrame({
        "id": [f"f{k}" for k in range(9)],
        "from": ["D", "A", "B", "C", "A", "C", "B", "A", "A"],
        "to": ["A", "B", "C", "C", "C", "A", "A", "B", "B"],
    })
    rng = np.random.default_rng(7)
    draws = rng.uniform(0.1, 9.9, size=(300, 9))
    draws[rng.random(draws.shape) < 0.3] = 0.0  # zeros move a pair's first non-zero flow
    got = circulation_draws(frame, draws)
    for i, amounts in enumerate(draws):
        rows = frame.assign(amount_usd_bn=amounts)
        split = decompose_circulation(flow_graph(rows))
        assert got.loc[i, "total_flows_usd_bn"] == split.total_usd_bn, i
        assert got.loc[i, "circular_volume_usd_bn"] == split.circular_volume_usd_bn, i
        assert got.loc[i, "circular_share_pct"] == split.circular_share_pct, i
    assert (got["circular_volume_usd_bn"] > 0).any() and (got["circular_volume_usd_bn"] == 0).any()


@pytest.mark.parametrize("bad", [-0.5, float("nan"), float("inf")])
def test_circulation_draws_refuse_a_bad_amount_naming_the_flow_and_draw(bad):
    frame = pd.DataFrame({"id": ["x", "y"], "from": ["A", "B"], "to": ["B", "A"]})
    draws = np.array([[1.0, 2.0], [1.0, bad]])
    with pytest.raises(ValueError, match=r"flow 'y' \(draw 1\): amount_usd_bn must be a finite"):
        circulation_draws(frame, draws)
