"""The demand side of notebook 04 (providers' backlogs from the two labs, the loss of one
customer), the market of the labs' compute contracts, and the guarantee rows."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from numpy.testing import assert_allclose

from valse.data.facts import load_facts
from valse.data.flowdata import load_flows
from valse.model.flows.basis import is_money_committed, money_committed_usd_bn, money_flows
from valse.model.flows.concentration import compute_contracts_hhi
from valse.model.flows.demand import CONTRACT_COLUMNS, backlog_exposure, customer_loss
from valse.report import flows_demand, valuation_concentration

TOL = 1e-12


def _contracts(rows):
    return pd.DataFrame(rows, columns=CONTRACT_COLUMNS)


HAND = _contracts([
    # provider, as_of, backlog, yearly revenue, customer, contract, term
    ("P", "2026-03-31", 200.0, 100.0, "A", 20.0, 4.0),
    ("P", "2026-03-31", 200.0, 100.0, "A", 30.0, 10.0),
    ("P", "2026-03-31", 200.0, 100.0, "B", 30.0, 10.0),
    ("Q", "2025-12-31", 80.0, float("nan"), "B", 8.0, 2.0),
])  # fmt: skip


def test_backlog_share_against_a_hand_sum():
    exposure = backlog_exposure(HAND)
    assert list(exposure.index) == ["P", "Q"]
    # P: (20 + 30 + 30) / 200; Q: 8 / 80
    assert_allclose(exposure["share_pct"], [40.0, 10.0], rtol=TOL)
    assert_allclose(exposure.loc["P", ["A (USD bn)", "B (USD bn)"]], [50.0, 30.0], rtol=TOL)
    assert exposure.loc["Q", "A (USD bn)"] == 0.0


def test_loss_of_one_customer_removes_its_contracts_and_their_yearly_amounts():
    loss = customer_loss(HAND).set_index(["provider", "customer"])
    a = loss.loc[("P", "A")]
    assert_allclose(a["backlog_removed_usd_bn"], 50.0, rtol=TOL)
    assert_allclose(a["backlog_removed_pct"], 25.0, rtol=TOL)
    # 20 over 4 years plus 30 over 10 years: 5 + 3 a year, 8% of 100
    assert_allclose(a["revenue_removed_usd_bn_per_year"], 8.0, rtol=TOL)
    assert_allclose(a["revenue_removed_pct"], 8.0, rtol=TOL)
    b = loss.loc[("Q", "B")]
    assert_allclose(b["revenue_removed_usd_bn_per_year"], 4.0, rtol=TOL)
    assert math.isnan(b["revenue_removed_pct"])  # no revenue known: no share of it
    # the parts' losses add up to the provider's share
    assert_allclose(loss.loc["P", "backlog_removed_pct"].sum(), 40.0, rtol=TOL)


def test_bad_contract_tables_are_refused():
    two_backlogs = HAND.copy()
    two_backlogs.loc[0, "backlog_usd_bn"] = 300.0
    with pytest.raises(ValueError, match="one backlog and date per provider.*'P'"):
        backlog_exposure(two_backlogs)
    with pytest.raises(KeyError, match="term_years"):
        customer_loss(HAND.drop(columns="term_years"))
    with pytest.raises(ValueError, match="backlog_usd_bn must be positive"):
        backlog_exposure(HAND.assign(backlog_usd_bn=0.0))


@pytest.fixture(scope="module")
def facts():
    return load_facts()


def test_the_shares_are_the_valuation_notebooks_computation(facts):
    exposure, loss = flows_demand.demand_side("reported", facts)
    story = valuation_concentration.backlog_shares(
        {"amazon_investment_usd_bn": 50.0, "amazon_upfront_usd_bn": 15.0}, facts
    )
    col = "share from OpenAI and Anthropic (%)"
    # AWS with Anthropic's April 2026 commitment added, and Microsoft's commercial backlog
    assert_allclose(exposure.loc["AWS", "share_pct"], story[col].iloc[1], rtol=TOL)
    assert_allclose(exposure.loc["Microsoft", "share_pct"], story[col].iloc[-1], rtol=TOL)
    # Oracle: OpenAI's reported 300 in the backlog of 28 February 2026
    oracle = facts["openai_oracle_commitment_usd_bn"].number
    assert_allclose(
        exposure.loc["Oracle", "share_pct"],
        100 * oracle / facts["flw_oracle_rpo_q3_fy2026_usd_bn"].number,
        rtol=TOL,
    )
    at_oracle = loss.set_index(["provider", "customer"]).loc[("Oracle", "OpenAI")]
    assert_allclose(
        at_oracle["revenue_removed_usd_bn_per_year"],
        oracle / facts["openai_oracle_commitment_years"].number,
        rtol=TOL,
    )


def test_the_rumour_reads_the_backlogs_known_in_january_2026(facts):
    exposure, loss = flows_demand.demand_side("rumour", facts)
    assert exposure.loc["AWS", "as_of"] == "2025-12-31"
    assert exposure.loc["Oracle", "as_of"] == "2025-11-30"
    assert "Anthropic" not in set(loss.loc[loss["provider"] == "AWS", "customer"])
    for fact in flows_demand.demand_facts("rumour") + flows_demand.demand_facts("reported"):
        assert fact in facts, fact


def _flow(to, amount, status="confirmed", kind="purchase_commitment", buyer="OpenAI"):
    return {"from": buyer, "to": to, "kind": kind, "status": status, "value_usd_bn": amount}


def test_compute_contracts_market_leaves_out_chips_and_estimates():
    valued = pd.DataFrame([
        _flow("Oracle", 60.0),
        _flow("Amazon", 40.0, status="reported", buyer="Anthropic"),
        _flow("NVIDIA", 100.0),  # a chip maker: one layer up
        _flow("Microsoft", 50.0, status="estimate"),  # an estimate is never a sourced contract
        _flow("Google", 70.0, kind="equity_paid"),  # not a purchase
    ])  # fmt: skip
    hhi, shares = compute_contracts_hhi(valued)
    assert list(shares.index) == ["Oracle", "Amazon"]
    assert_allclose(shares.to_numpy(), [60.0, 40.0], rtol=TOL)
    assert_allclose(hhi, 60.0**2 + 40.0**2, rtol=TOL)
    assert compute_contracts_hhi(valued.iloc[2:])[0] == 0.0


def test_a_guarantee_is_a_row_but_never_money():
    flows = load_flows()
    guarantees = flows[flows["kind"] == "guarantee"]
    assert set(guarantees["id"]) >= {"nvidia_coreweave_backstop_2025_09"}
    assert not is_money_committed(guarantees).any()
    assert money_flows(guarantees, include_estimates=True).empty
    assert money_committed_usd_bn(flows) == money_committed_usd_bn(
        flows[flows["kind"] != "guarantee"]
    )


def test_the_money_table_shows_guarantees_apart(facts):
    from valse.data.sharedata import load_cloud_shares
    from valse.report import flows_report
    from valse.report.flows_metrics import MC_PARAMS  # noqa: F401  (the module imports cleanly)

    params = {
        "amazon_investment_usd_bn": 50.0, "amazon_upfront_usd_bn": 15.0,
        "contingent_tranche_probability": 0.8, "contingent_tranche_probability_low": 0.6,
        "contingent_tranche_probability_high": 0.95, "aws_services_usd_bn": 100.0,
        "round_size_usd_bn": 122.0, "pre_money_valuation_usd_bn": 730.0,
        "aws_ai_operating_margin": 0.3, "contract_years": 8.0, "discount_rate": 0.09,
        "roles_cut": 30000, "cost_per_role_usd_k": 225.0, "deal_caused_share": 0.5,
        "diversion_from_microsoft": 0.5, "diversion_from_google": 0.1, "include_reported": True,
        "include_estimates": True, "flow_basis": "pv", "date_from": "2019-01-01",
        "date_to": "2026-12-31", "draws": 50, "seed": 1,
    }  # fmt: skip
    flows = load_flows()
    web = flows_report.analyse(params, facts, flows, load_cloud_shares()).web
    table = flows_report.money_table(web)
    expected = flows.loc[flows["kind"] == "guarantee", "amount_usd_bn"].sum()
    assert_allclose(table.iloc[-1]["USD bn"], expected, rtol=TOL)
    assert table.index[-1].startswith("guarantees")
    confirmed_only = flows_report.analyse(
        {**params, "include_reported": False}, facts, flows, load_cloud_shares()
    ).web
    assert flows_report.web_guarantees(confirmed_only).empty  # the backstop is only reported


def test_every_section_of_04_saves_its_numbers_and_draws(facts, tmp_path):
    import matplotlib

    matplotlib.use("Agg")

    import matplotlib.pyplot as plt
    from explorer_inputs import notebook_params

    from valse.report import flows_sections as sec
    from valse.report.narrative import render

    params = notebook_params("04_cross_investments", "base")
    params.update(draws=50, artifacts_dir=str(tmp_path), scenario_name="base")
    a, words = sec.prepare(params, facts)
    for draw in (sec.network, sec.matrix, sec.positions, sec.circulation, sec.suppliers,
                 sec.share_path, sec.concentration, sec.demand):  # fmt: skip
        draw(a, facts, params)
        title = plt.gcf().axes[0].get_title()
        assert title.endswith("scenario base") or "lower bound" in title, title
        plt.close("all")
    for table in (sec.flows_table, sec.pairs, sec.exposure, sec.money):
        assert len(table(a, params))
    reg = sec.regulators_section(facts, params, "the deal as reported")
    plt.close("all")
    assert render("04_cross_investments/regulators", **reg["words"])
    sec.cycles(a, params), sec.watchlist(facts, params)
    flow_sources, fact_sources = sec.source_tables(a, facts, params, reg["facts"])
    assert len(flow_sources) == len(a.web.valued) and len(fact_sources)
    saved = {f.stem for f in tmp_path.glob("*.csv")}
    assert {"backlog_shares", "customer_loss", "what_to_watch", "flows_kept"} <= saved
    assert len(saved) == 19
