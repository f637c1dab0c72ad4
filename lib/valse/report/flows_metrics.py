"""Notebook 04's sources and metric records, built once from its :class:`Analysis`.

:func:`sources` names the facts each of the notebook's charts and figures stands on;
:func:`metric_records` returns the records the notebook displays with
:func:`valse.report.record.metric` (``for r in metric_records(...): metric(**r)``), so that
the labels, sources and parameters of a metric are written in one place.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from valse.data.facts import Fact
from valse.model.flows.basis import BASIS_NAMES
from valse.model.flows.suppliers import investor_exposure
from valse.report.flows_demand import demand_facts
from valse.report.flows_report import TOP3, Analysis, peak_year, record_band

#: The facts of the deal's flows, by reading.
DEAL_FACTS: dict[str, list[str]] = {
    "rumour": [
        "rumour_amazon_investment_usd_bn",
        "rumour_aws_services_in_investment_usd_bn",
        "aws_openai_contract_2025_11_usd_bn",
    ],
    "reported": [
        "amazon_openai_commitment_usd_bn",
        "amazon_openai_upfront_usd_bn",
        "amazon_openai_contingent_usd_bn",
        "aws_openai_contract_expansion_usd_bn",
        "aws_openai_contract_expansion_years",
    ],
}
#: The 2023 US Merger Guidelines' thresholds.
GUIDE_FACTS: list[str] = [
    "merger_guidelines_2023_hhi_highly_concentrated",
    "merger_guidelines_2023_hhi_delta",
    "merger_guidelines_2023_hhi_moderate",
]
#: The parameters of the web and its Monte Carlo.
MC_PARAMS: list[str] = [
    "include_reported", "include_estimates", "flow_basis", "discount_rate", "date_from",
    "date_to", "amazon_investment_usd_bn", "amazon_upfront_usd_bn", "aws_services_usd_bn",
    "contingent_tranche_probability", "contingent_tranche_probability_low",
    "contingent_tranche_probability_high", "draws", "seed",
]  # fmt: skip
#: The parameters of the deal's share shift.
SHIFT_PARAMS: list[str] = [
    "aws_services_usd_bn", "contract_years", "deal_caused_share", "diversion_from_microsoft",
    "diversion_from_google",
]  # fmt: skip


def sources(a: Analysis, facts: Mapping[str, Fact]) -> dict[str, list[str]]:
    """Fact ids by use: ``deal``, ``flow`` (terms, probabilities, estimates of the flows in
    the web), ``mc`` (deal + flow), ``cloud`` (the latest quarter's shares), ``guide``,
    ``shift`` and ``demand`` (the backlogs and contracts)."""
    flows = a.web.valued
    words = {
        w
        for e in flows["derived_from"]
        for w in e.replace("(", " ").replace(")", " ").split()
        if w in facts
    }
    ids = {f for col in ("term_fact", "probability_fact") for f in flows[col] if f in facts}
    deal, flow = DEAL_FACTS[a.web.reading], sorted(ids | words)
    q, year = a.quarter[-1], a.quarter[:4]
    cloud = [
        i
        for i in [f"cloud_share_{p.lower()}_q{q}_{year}_synergy_pct" for p in TOP3]
        + [f"cloud_market_q{q}_{year}_synergy_usd_bn"]
        if i in facts
    ]
    shift = (
        cloud + deal + ["assumption_diversion_from_microsoft", "assumption_diversion_from_google"]
    )
    return {
        "deal": deal,
        "flow": flow,
        "mc": deal + flow,
        "cloud": cloud,
        "guide": GUIDE_FACTS,
        "shift": shift,
        "demand": demand_facts(a.web.reading),
    }


def metric_records(
    a: Analysis, params: Mapping[str, Any], facts: Mapping[str, Fact]
) -> list[dict[str, Any]]:
    """The metric records of notebook 04 but the regulators' count (recorded beside its
    timeline), as keyword arguments of :func:`valse.report.record.metric`."""
    src, split, basis = sources(a, facts), a.web.split, BASIS_NAMES[params["flow_basis"]]
    mc = {"sources": src["mc"], "params": MC_PARAMS}
    shift = {"sources": src["shift"], "params": SHIFT_PARAMS}
    out = [
        dict(name="total_flows_usd_bn", value=split.total_usd_bn, unit="USD bn",
             label=f"All flows in the web, each counted once ({basis})", **mc,
             **record_band(split.total_usd_bn, a.total_band)),
        dict(name="circular_volume_usd_bn", value=split.circular_volume_usd_bn, unit="USD bn",
             label=f"Money that goes round and comes back, each loop counted once ({basis})",
             **mc, **record_band(split.circular_volume_usd_bn, a.volume_band)),
        dict(name="circular_share_pct", value=split.circular_share_pct, unit="%",
             label="Share of the money in the web that goes round, each loop counted once",
             **mc, **record_band(split.circular_share_pct, a.band)),
        dict(name="max_circular_volume_usd_bn", value=a.upper_usd_bn, unit="USD bn",
             label="Most that any split into loops could count as going round (LP upper bound)",
             **mc),
        dict(name="one_way_volume_usd_bn", value=split.one_way_volume_usd_bn, unit="USD bn",
             label="Flows, or parts of flows, on no loop", **mc),
    ]  # fmt: skip
    if len(a.suppliers):
        top = a.suppliers.iloc[0]
        out.append(dict(
            name="supplier_equity_to_purchases_pct", value=top["ratio_pct"], unit="%",
            label=("Largest supplier equity as a share of the compute bought from it "
                   f"({top['supplier']} in {top['buyer']})"),
            sources=src["mc"] + ["amd_openai_warrant_value_usd_bn"], params=MC_PARAMS,
        ))  # fmt: skip
    openai_2026 = a.rounds[(a.rounds["buyer"] == "OpenAI") & (a.rounds["year"] == 2026)]
    if len(openai_2026):
        out.append(dict(
            name="openai_round_supplier_share_pct",
            value=openai_2026["supplier_share_pct"].iloc[0], unit="%",
            label="Share of OpenAI's 2026 equity in the data that came from its compute suppliers",
            sources=src["deal"], params=MC_PARAMS,
        ))  # fmt: skip
    exposure = investor_exposure(a.web.valued, amount_column="value_usd_bn")
    if "Amazon" in exposure.index:
        out.append(dict(
            name="amazon_model_makers_usd_bn",
            value=exposure.loc["Amazon", "model_makers_usd_bn"], unit="USD bn",
            label=("Amazon's stakes in OpenAI and Anthropic together (expected amounts, "
                   "conditional parts at their probability)"),
            sources=src["deal"] + ["amazon_anthropic_invested_usd_bn"] + src["flow"],
            params=MC_PARAMS,
        ))  # fmt: skip
    peak = peak_year(a.path)
    out += [
        dict(name="cloud_hhi", value=a.path["hhi_before"].iloc[0], unit="HHI points",
             label=(f"HHI of all cloud infrastructure in {a.quarter} (Synergy; AWS, Microsoft, "
                    "Google; lower bound)"), sources=src["cloud"]),
        dict(name="cloud_share_shift_pct_points", value=peak["shift_pct_points"],
             unit="pct points",
             label="AWS's share gained from the deal in the year of the largest change", **shift),
        dict(name="cloud_hhi_after_shift", value=peak["hhi_after"], unit="HHI points",
             label="HHI (lower bound) in the year of the largest change", **shift),
        dict(name="cloud_hhi_delta", value=peak["hhi_delta"], unit="HHI points",
             label="Largest yearly change of the HHI from the deal over the contract", **shift),
        dict(name="frontier_compute_hhi", value=a.frontier_hhi, unit="HHI points",
             label=("HHI of the sellers of the two labs' compute commitments in the data "
                    "(a narrower market)"), sources=src["flow"], params=MC_PARAMS),
        dict(name="frontier_compute_contracts_hhi", value=a.contracts_hhi, unit="HHI points",
             label=("HHI of the providers of the two labs' sourced compute contracts, chips "
                    "left out (a market closer to compute for frontier AI than all cloud)"),
             sources=src["flow"], params=MC_PARAMS),
    ]  # fmt: skip
    if "Oracle" in a.backlogs.index:
        out.append(dict(
            name="oracle_backlog_openai_anthropic_share_pct",
            value=a.backlogs.loc["Oracle", "share_pct"], unit="%",
            label=(f"Share of Oracle's backlog ({a.backlogs.loc['Oracle', 'as_of']}) from "
                   "OpenAI's reported contract"),
            sources=[f for f in src["demand"] if "oracle" in f and "revenue" not in f],
        ))  # fmt: skip
    return out
