"""What notebook 04 shows, computed once from a scenario's parameters (no I/O here).

:func:`analyse` builds the web of flows on one basis (:func:`valse.model.flows.web.build_web`), its
Monte Carlo band, the LP bound, the supplier figures and the year-by-year concentration
path, and :func:`words` turns them into the figures its narrative templates
(``templates/04_cross_investments/*.md.j2``) need. The notebook and the tests call the same
functions, so every template can be rendered for every scenario without a kernel.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from valse.data.facts import Fact, parse_date
from valse.model import uncertainty
from valse.model.deal import CASE_NAMES, READING_NAMES, create_deal
from valse.model.flows.basis import (
    BASIS_NAMES,
    is_money_committed,
    money_committed_usd_bn,
    money_flows,
)
from valse.model.flows.concentration import (
    buyer_side_hhi,
    compute_contracts_hhi,
    hhi_by_quarter,
    shares_in,
)
from valse.model.flows.cycles import circular_share_pct, max_circular_volume_usd_bn
from valse.model.flows.graph import reciprocal_pairs
from valse.model.flows.shift import market_growth_rate, share_path
from valse.model.flows.suppliers import (
    EQUITY_KINDS,
    supplier_equity_to_purchases,
    supplier_share_of_equity,
)
from valse.model.flows.web import TRANCHE_ID, Web, build_web, web_draws
from valse.report.flows_demand import demand_side, demand_words

#: The providers every quarter of ``cloud_shares.csv`` lists.
TOP3: tuple[str, ...] = ("AWS", "Microsoft", "Google")


@dataclass(frozen=True)
class Analysis:
    """Everything notebook 04 draws and records for one scenario (see :func:`analyse`)."""

    web: Web
    band: tuple[float, float, float]
    volume_band: tuple[float, float, float]
    total_band: tuple[float, float, float]
    upper_usd_bn: float
    without_estimates: Web
    suppliers: pd.DataFrame
    rounds: pd.DataFrame
    path: pd.DataFrame
    shares_now: dict[str, float]
    quarter: str
    yearly_market_usd_bn: float
    market_growth: float
    frontier_hhi: float
    frontier_shares: pd.Series
    contracts_hhi: float
    contracts_shares: pd.Series
    backlogs: pd.DataFrame
    losses: pd.DataFrame


def analyse(
    params: Mapping[str, Any],
    facts: Mapping[str, Fact],
    all_flows: pd.DataFrame,
    cloud_shares: pd.DataFrame,
) -> Analysis:
    """Notebook 04's figures for one scenario's parameters (its ``parameters`` cell names)."""
    deal = create_deal(params)
    common = {
        "tranche_probability_range": (
            params["contingent_tranche_probability_low"],
            params["contingent_tranche_probability"],
            params["contingent_tranche_probability_high"],
        ),
        "statuses": ("confirmed", "reported") if params["include_reported"] else ("confirmed",),
        "date_from": params["date_from"],
        "date_to": params["date_to"],
        "basis": params["flow_basis"],
        "discount_rate": params["discount_rate"],
    }
    web = build_web(all_flows, deal, facts, include_estimates=params["include_estimates"], **common)
    bare = build_web(all_flows, deal, facts, include_estimates=False, **common)
    mc = web_draws(web, uncertainty.rng(params["seed"]), params["draws"])
    bands = {c: uncertainty.p10_p50_p90(mc[c]) for c in mc.columns}
    everything = pd.concat([web.valued, web.concessions], ignore_index=True)
    synergy = hhi_by_quarter(cloud_shares, providers=list(TOP3))
    synergy = synergy[synergy["series"] == "synergy"]
    latest = synergy.iloc[-1]
    quarter = str(latest["quarter"])
    shares_now = shares_in(cloud_shares, quarter, "synergy", list(TOP3))
    growth = market_growth_rate(cloud_shares, "synergy", quarter)
    yearly = 4.0 * float(latest["market_usd_bn"])
    path = share_path(
        shares_now,
        yearly,
        growth,
        params["aws_services_usd_bn"],
        params["contract_years"],
        params["deal_caused_share"],
        {
            "Microsoft": params["diversion_from_microsoft"],
            "Google": params["diversion_from_google"],
        },
    )
    frontier_hhi, frontier_shares = buyer_side_hhi(web.valued)
    contracts_hhi, contracts_shares = compute_contracts_hhi(web.valued)
    backlogs, losses = demand_side(web.reading, facts)
    return Analysis(
        web=web,
        band=bands["circular_share_pct"],
        volume_band=bands["circular_volume_usd_bn"],
        total_band=bands["total_flows_usd_bn"],
        upper_usd_bn=max_circular_volume_usd_bn(web.graph),
        without_estimates=bare,
        suppliers=supplier_equity_to_purchases(everything),
        rounds=supplier_share_of_equity(money_flows(web.valued, True)),
        path=path,
        shares_now=shares_now,
        quarter=quarter,
        yearly_market_usd_bn=yearly,
        market_growth=growth,
        frontier_hhi=frontier_hhi,
        frontier_shares=frontier_shares,
        contracts_hhi=contracts_hhi,
        contracts_shares=contracts_shares,
        backlogs=backlogs,
        losses=losses,
    )


def peak_year(path: pd.DataFrame) -> pd.Series:
    """The year of the path with the largest HHI change (the first one on ties)."""
    return path.loc[path["hhi_delta"].abs().idxmax()] if len(path) else pd.Series(dtype=float)


def words(
    a: Analysis, params: Mapping[str, Any], facts: Mapping[str, Fact]
) -> dict[str, dict[str, Any]]:
    """The figures of each of notebook 04's templates, by template name."""
    web, split = a.web, a.web.split
    cancelled = split.cancelled_frame().sort_values("amount_usd_bn", ascending=False)
    pairs = reciprocal_pairs(web.graph)
    ao = pairs[(pairs["company_a"] == "Amazon") & (pairs["company_b"] == "OpenAI")]
    peak = peak_year(a.path)
    top_supplier = a.suppliers.iloc[0] if len(a.suppliers) else None
    openai_2026 = a.rounds[(a.rounds["buyer"] == "OpenAI") & (a.rounds["year"] == 2026)]
    money = money_committed_usd_bn(web.every_status[web.every_status["id"].isin(web.valued["id"])])
    estimates = float(web.valued.loc[web.valued["status"] == "estimate", "value_usd_bn"].sum())
    concessions = float(a.web.concessions["value_usd_bn"].sum())
    common = {
        "reading": web.reading,
        "reading_name": READING_NAMES[web.reading],
        "case": web.case,
        "case_name": CASE_NAMES[web.case],
        "basis_name": BASIS_NAMES[web.basis],
        "basis": web.basis,
    }
    circular = {
        **common,
        "total": split.total_usd_bn,
        "volume": split.circular_volume_usd_bn,
        "share": split.circular_share_pct,
        "p10": a.band[0],
        "p90": a.band[2],
        "has_band": bool(a.band[2] - a.band[0] > 0.05),
        "upper": a.upper_usd_bn,
        "upper_share": circular_share_pct(
            min(a.upper_usd_bn, split.total_usd_bn), split.total_usd_bn
        ),
        "upper_above": bool(a.upper_usd_bn > split.circular_volume_usd_bn * (1 + 1e-6) + 1e-9),
        "largest_loop": str(cancelled["cycle"].iloc[0]) if len(cancelled) else "",
        "largest_loop_amount": float(cancelled["amount_usd_bn"].iloc[0]) if len(cancelled) else 0.0,
        "amazon_trip": float(ao["round_trip_usd_bn"].iloc[0]) if len(ao) else 0.0,
        "include_estimates": bool(params["include_estimates"]),
        "estimates": estimates,
        "share_without_estimates": a.without_estimates.split.circular_share_pct,
    }
    suppliers = {
        **common,
        "has_supplier": top_supplier is not None,
        "supplier": "" if top_supplier is None else str(top_supplier["supplier"]),
        "buyer": "" if top_supplier is None else str(top_supplier["buyer"]),
        "ratio": 0.0 if top_supplier is None else float(top_supplier["ratio_pct"]),
        "estimated": False if top_supplier is None else bool(top_supplier["estimated_purchases"]),
        "has_round": bool(len(openai_2026)),
        "round_share": float(openai_2026["supplier_share_pct"].iloc[0])
        if len(openai_2026)
        else 0.0,
        "round_equity": float(openai_2026["equity_usd_bn"].iloc[0]) if len(openai_2026) else 0.0,
        "round_suppliers": str(openai_2026["suppliers"].iloc[0]) if len(openai_2026) else "",
    }
    concentration = {
        **common,
        "quarter": a.quarter,
        "hhi": float(a.path["hhi_before"].iloc[0]) if len(a.path) else 0.0,
        "covered": float(sum(a.shares_now.values())),
        "growth": a.market_growth,
        "caused_share": float(params["deal_caused_share"]),
        "from_microsoft": float(params["diversion_from_microsoft"]),
        "from_google": float(params["diversion_from_google"]),
        "years": float(params["contract_years"]),
        "peak_year": float(peak["year"]) if len(peak) else 0.0,
        "peak_delta": float(peak["hhi_delta"]) if len(peak) else 0.0,
        "peak_shift": float(peak["shift_pct_points"]) if len(peak) else 0.0,
        "has_shift": bool(len(peak) and abs(float(peak["hhi_delta"])) > 1e-9),
        "has_spending": bool(
            params["aws_services_usd_bn"] > 0 and params["amazon_investment_usd_bn"] > 0
        ),
        "estimates_in": bool(params["include_estimates"] and estimates > 0),
        "significant": facts["merger_guidelines_2023_hhi_delta"].number,
        "frontier_hhi": a.frontier_hhi,
        "frontier_top": str(a.frontier_shares.index[0]) if len(a.frontier_shares) else "",
        "frontier_top_share": float(a.frontier_shares.iloc[0]) if len(a.frontier_shares) else 0.0,
        "contracts_hhi": a.contracts_hhi,
        "contracts_top": str(a.contracts_shares.index[0]) if len(a.contracts_shares) else "",
        "contracts_top_share": float(a.contracts_shares.iloc[0])
        if len(a.contracts_shares)
        else 0.0,
        "contracts_n": len(a.contracts_shares),
        "highly_concentrated": facts["merger_guidelines_2023_hhi_highly_concentrated"].number,
    }
    money_words = {
        **common,
        "money": money,
        "estimates": estimates,
        "concessions": concessions,
        "tranche": float(
            web.every_status.loc[web.every_status["id"] == TRANCHE_ID, "amount_usd_bn"].sum()
        ),
        "n_conditional": len(web.probabilities),
        "guarantees": float(web_guarantees(web)["amount_usd_bn"].sum()),
    }
    return {
        "04_cross_investments/circular": circular,
        "04_cross_investments/suppliers": suppliers,
        "04_cross_investments/concentration": concentration,
        "04_cross_investments/money": money_words,
        "04_cross_investments/demand": demand_words(
            a.backlogs, a.losses, READING_NAMES[web.reading]
        ),
    }


def record_band(value: float, band: tuple[float, float, float]) -> dict[str, float]:
    """``p10``, ``p50``, ``p90`` for :func:`valse.report.record.metric` when the band holds the
    central value, else nothing (a band that misses its central value is not recorded)."""
    low, mid, high = (float(x) for x in band)
    if not (low - 1e-9 <= value <= high + 1e-9) or not np.isfinite([low, mid, high]).all():
        return {}
    return {"p10": low, "p50": mid, "p90": high}


def web_guarantees(web: Web) -> pd.DataFrame:
    """The guarantees in the web's window, of the sourced statuses the web keeps (confirmed,
    and reported when the web holds reported flows): shown apart, never money."""
    rows, kept = web.every_status, set(web.valued["status"])
    statuses = [s for s in ("confirmed", "reported") if s in kept]
    return rows[(rows["kind"] == "guarantee") & rows["status"].isin(statuses)]


def money_table(web: Web) -> pd.DataFrame:
    """Capital against billing, sourced money against estimates, in one small table.

    Rows: sourced money committed (nominal;
    :func:`valse.model.flows.basis.money_committed_usd_bn`, never
    an estimate), of which equity and purchase commitments; then, on the web's basis, the
    estimated purchases and the price concessions, and the guarantees (nominal), which no sum
    of money includes.
    """
    web_rows = web.every_status[web.every_status["id"].isin(web.valued["id"])]
    sourced = web_rows[is_money_committed(web_rows)]
    equity = float(sourced.loc[sourced["kind"].isin(EQUITY_KINDS), "amount_usd_bn"].sum())
    billing = float(sourced.loc[sourced["kind"] == "purchase_commitment", "amount_usd_bn"].sum())
    estimates = float(web.valued.loc[web.valued["status"] == "estimate", "value_usd_bn"].sum())
    rows = [
        ("money committed, sourced (nominal)", money_committed_usd_bn(web_rows), "nominal"),
        ("  of which capital (equity, conditional parts in full)", equity, "nominal"),
        ("  of which billing (cloud, chips bought over years)", billing, "nominal"),
        ("estimated chip purchases, not money committed", estimates, web.basis),
        (
            "price concessions (warrant, shares granted), not money",
            float(web.concessions["value_usd_bn"].sum()),
            web.basis,
        ),
        (
            "guarantees (paid only on a default or a shortfall), not money",
            float(web_guarantees(web)["amount_usd_bn"].sum()),
            "nominal",
        ),
    ]
    return pd.DataFrame(rows, columns=["what", "USD bn", "basis"]).set_index("what")


def regulator_words(
    matters: pd.DataFrame, facts: Mapping[str, Fact], reading_name: str
) -> dict[str, Any]:
    """The figures of the template ``04_cross_investments/regulators``."""
    from valse.data.regulators import open_matters_count

    no_action = facts[NO_ACTION_FACT]
    searched = parse_date(no_action.as_of)

    def rows(status: str) -> list[dict[str, Any]]:
        return [
            {
                **m,
                "overdue": bool(m["next_date"]) and parse_date(m["next_date"], end=True) < searched,
            }
            for m in matters[matters["status"] == status].to_dict("records")
        ]

    return {
        "n_matters": len(matters),
        "n_open": open_matters_count(matters),
        "open_matters": rows("open"),
        "closed_matters": rows("closed"),
        "n_unknown": len(rows("unknown")),
        "no_action": str(no_action.value),
        "searched": no_action.as_of,
        "reading_name": reading_name,
    }


#: The fact that records the search for any action on the Amazon–OpenAI deal itself.
NO_ACTION_FACT = "reg_no_action_on_amazon_openai_2026_12_02"
