"""The cloud-economics notebook's (02) tables and records beyond the NPV's: the deal's anatomy,
the evidence on the caused share, the contract against AWS's revenue, OpenAI's other compute
commitments, and the metrics of the deal's size.

The metrics are recorded with :func:`valse.report.record.metric` from here, so that a metric's
label, sources and parameters are written once (the pattern of
:mod:`valse.report.flows_metrics`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd

from valse.model import cloud, deal
from valse.report import chart_titles, charts
from valse.report.charts_cloud import commitments_chart
from valse.report.deal_report import (
    CAUSED_FACTS,
    CONTRACT_FACTS,
    MARGIN_CHECK_FACTS,
    TRANCHE_FACTS,
)
from valse.report.record import metric

#: AWS's revenue, the base of the contract's share of it (section 5).
AWS_FACTS: list[str] = ["aws_revenue_2025_usd_bn", "aws_revenue_growth_2025_pct"]
#: The parameters of the contract's share of AWS's revenue.
AWS_PARAMS: list[str] = ["aws_services_usd_bn", "contract_years", "aws_contract_start_year",
                         "aws_contract_ramp_years", "aws_revenue_growth"]
#: OpenAI's other compute commitments (section 6), in USD and in GW.
COMMIT_FACTS: list[str] = [
    "openai_azure_commitment_2025_10_usd_bn", "openai_oracle_commitment_usd_bn",
    "openai_coreweave_commitment_usd_bn", "aws_openai_contract_2025_11_usd_bn",
    "nvidia_openai_loi_gw", "broadcom_openai_gw", "amd_openai_gw", "openai_oracle_commitment_gw",
    "aws_openai_trainium_gw", "openai_compute_commitments_usd_bn", "openai_compute_commitments_gw",
]  # fmt: skip
#: The parameters of the peak power the tied spending needs.
GW_PARAMS: list[str] = ["aws_services_usd_bn", "contract_years", "accelerator_hour_price_usd",
                        "gpu_utilisation", "accelerators_per_gw_it", "pue"]


def deal_case(params: Mapping[str, Any]) -> str:
    """The case of the scenario's deal (:func:`valse.model.deal.case`), a key of
    :data:`valse.model.deal.CASE_NAMES`."""
    return deal.case(deal.create_deal(params))


def loaded_context(facts: Any, params: Mapping[str, Any]) -> dict[str, Any]:
    """Context of ``02_cloud_economics/status_loaded``: scenario, reading, case, facts."""
    the_deal = deal.create_deal(params)
    return {"scenario": params["scenario_name"],
            "reading": deal.READING_NAMES[deal.reading(the_deal)],
            "case": deal.CASE_NAMES[deal.case(the_deal)],
            "n_facts": len(facts), "path": facts.path.name}


def anatomy_table(params: Mapping[str, Any], case: str) -> pd.DataFrame:
    """The parts of the headline under the run's reading
    (:func:`valse.model.cloud.deal_anatomy_usd_bn`; ``case`` of :func:`valse.model.deal.case`)."""
    a = cloud.deal_anatomy_usd_bn(params["amazon_investment_usd_bn"],
                                  params["amazon_upfront_usd_bn"], params["aws_services_usd_bn"],
                                  "inside" if case == "inside" else "separate")
    return pd.DataFrame({
        "USD bn": [a["headline_usd_bn"], a["upfront_usd_bn"], a["contingent_usd_bn"],
                   a["equity_cash_usd_bn"], a["services_inside_headline_usd_bn"],
                   a["separate_cloud_contract_usd_bn"]],
    }, index=["Headline commitment", "… paid at signing", "… paid on milestones",
              "Equity cash OpenAI receives", "AWS services inside the headline",
              "Separate AWS contract tied to the deal"])  # fmt: skip


def record_size_metrics(params: Mapping[str, Any], deal_facts: list[str]) -> None:
    """Record the circularity ratio (not defined without an investment) and OpenAI's net new
    cash from Amazon."""
    investment, services = params["amazon_investment_usd_bn"], params["aws_services_usd_bn"]
    if investment > 0:  # a share of no investment is not defined
        metric("circularity_pct", cloud.circularity_pct(services, investment), "%",
               "AWS spending tied to the deal over Amazon's investment: a size ratio, not money "
               "returned", sources=deal_facts,
               params=["amazon_investment_usd_bn", "aws_services_usd_bn"])
    metric("openai_net_new_cash_usd_bn",
           cloud.openai_net_new_cash_usd_bn(investment, services, params["deal_caused_share"]),
           "USD bn", "New cash OpenAI gets from Amazon, net of the AWS spending the deal causes",
           sources=deal_facts + CAUSED_FACTS[:2],
           params=["amazon_investment_usd_bn", "aws_services_usd_bn", "deal_caused_share"])


def evidence_table(params: Mapping[str, Any], figures: Mapping[str, Any]) -> pd.Series:
    """The evidence on the caused share: AWS's share of OpenAI's commitments before and after
    the expansion [%], the scenario's share [0-1] and the spending it causes [USD bn]."""
    return pd.Series({
        "AWS's share of OpenAI's disclosed commitments, before the expansion (%)":
            figures["aws_share_before"],
        "AWS's share after it (%)": figures["aws_share_after"],
        "share of the tied spending the deal causes, this scenario [0-1]":
            params["deal_caused_share"],
        "AWS spending the deal causes (USD bn)": figures["caused_revenue"],
    }, name="value")  # fmt: skip


def record_aws_share_metrics(peak_share: float, growth_share: float,
                             deal_facts: list[str]) -> None:
    """Record the contract's peak share of AWS's revenue and, where AWS grows, its first year's
    share of AWS's growth (:func:`valse.report.deal_report_charts.aws_share_table`)."""
    metric("aws_revenue_share_pct_peak_year", peak_share, "%",
           "Largest yearly share of AWS's (projected) revenue that the tied contract represents",
           sources=AWS_FACTS + deal_facts, params=AWS_PARAMS)
    if not math.isnan(growth_share):  # not defined without AWS growth
        metric("aws_growth_share_pct_first_year", growth_share, "%",
               "Contract revenue in its first year as a share of AWS's revenue growth that year",
               sources=AWS_FACTS + deal_facts, params=AWS_PARAMS)


def commitments(facts: Any, aws_services_usd_bn: float,
                whole_peak_gw: float) -> tuple[pd.Series, pd.Series]:
    """OpenAI's compute commitments, in USD bn and in GW as their sources state them (no
    conversion), with the scenario's tied spending and the capacity it needs (an estimate)."""
    fv = facts.value
    usd = pd.Series({
        "Microsoft Azure (Oct 2025)": fv("openai_azure_commitment_2025_10_usd_bn"),
        "Oracle (reported)": fv("openai_oracle_commitment_usd_bn"),
        "CoreWeave (three contracts)": fv("openai_coreweave_commitment_usd_bn"),
        "AWS: November 2025 contract": fv("aws_openai_contract_2025_11_usd_bn"),
        "AWS: spend tied to this deal (scenario)": aws_services_usd_bn})
    gw = pd.Series({
        "NVIDIA (letter of intent)": fv("nvidia_openai_loi_gw"),
        "Broadcom": fv("broadcom_openai_gw"), "AMD": fv("amd_openai_gw"),
        "Oracle (reported)": fv("openai_oracle_commitment_gw"),
        "AWS: Trainium (reported deal)": fv("aws_openai_trainium_gw"),
        "AWS: capacity this spend needs (estimate)": whole_peak_gw})
    return usd, gw


def commitments_frame(usd: pd.Series, gw: pd.Series) -> pd.DataFrame:
    """The commitments in one table, by unit (the CSV file behind the charts)."""
    return pd.concat({"USD bn": usd, "GW": gw}).rename("commitment").to_frame()


def show_commitments(usd: pd.Series, gw: pd.Series, figures: Mapping[str, Any], facts: Any,
                     deal_facts: Iterable[str]) -> None:
    """The commitments' charts (:func:`valse.report.charts_cloud.commitments_chart`), AWS
    highlighted, with their sources."""
    fig, _ = commitments_chart(usd, gw, chart_titles.commitments_title(figures["aws_share_after"]),
                               highlight="AWS")
    charts.add_sources(fig, facts, COMMIT_FACTS + list(deal_facts) + CONTRACT_FACTS,
                       extra=["GW of this spend: valse estimate from the assumptions above"])
    plt.show()


def record_gigawatts(figures: Mapping[str, Any], deal_facts: list[str]) -> None:
    """Record the peak site power the whole tied spending needs [GW]."""
    metric("gigawatts_funded", figures["whole_peak_gw"], "GW",
           "Peak site power the AWS spending tied to the deal needs, at the contract's price",
           sources=deal_facts + CONTRACT_FACTS, params=GW_PARAMS)


def used_facts(deal_facts: list[str]) -> list[str]:
    """Every fact the notebook uses, in the order of its sections."""
    return (deal_facts + CAUSED_FACTS + CONTRACT_FACTS + MARGIN_CHECK_FACTS + TRANCHE_FACTS
            + AWS_FACTS + COMMIT_FACTS)
