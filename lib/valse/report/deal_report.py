"""What the notebooks show of the deal's NPV: sources, figures for the prose, records, defaults.

The report layer over :mod:`valse.model.deal_npv`, :mod:`valse.model.tranche` and
:mod:`valse.model.aws_contract`. :func:`figures` builds the context of the narrative templates
(``lib/valse/templates/02_cloud_economics/*.md.j2``, ``00_overview/headline``) from a
scenario's parameters alone, so a test renders every template for every scenario without a
kernel. The tables and charts built on them are in :mod:`valse.report.deal_report_charts`;
those of 00 and 02 alone in :mod:`valse.report.deal_report_overview` and
:mod:`valse.report.deal_report_cloud`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from valse.model import aws_contract, cloud, deal, deal_npv, tranche, uncertainty
from valse.report.openai_pay import (
    CAN_PAY_FACTS,
    COUNTERPARTY_PARAMS,
    counterparty_from_finances,
)

#: Facts behind the deal's amounts, by case of :func:`valse.model.deal.case`.
DEAL_FACTS: dict[str, list[str]] = {
    "no_deal": ["amazon_openai_commitment_usd_bn"],
    "equity_only": ["amazon_openai_commitment_usd_bn", "amazon_openai_upfront_usd_bn"],
    "inside": ["rumour_amazon_investment_usd_bn", "rumour_aws_services_in_investment_usd_bn",
               "aws_openai_contract_2025_11_years"],
    "separate": ["amazon_openai_commitment_usd_bn", "amazon_openai_upfront_usd_bn",
                 "amazon_openai_contingent_usd_bn", "aws_openai_contract_expansion_usd_bn",
                 "aws_openai_contract_expansion_years"],
}
#: Facts behind the one counterfactual.
CAUSED_FACTS = ["npv_assumption_deal_caused_share",
                "npv_assumption_caused_share_november_contract",
                "aws_openai_contract_2025_11_usd_bn", "aws_openai_contract_expansion_usd_bn",
                "openai_compute_commitments_usd_bn"]
#: Facts behind the AWS contract's cash flows.
CONTRACT_FACTS = ["npv_assumption_accelerator_hour_price_usd", "cloud_assumption_gpu_utilisation",
                  "gpus_per_gw_gb200_it_load", "npv_assumption_pue",
                  "npv_assumption_power_price_usd_per_mwh", "npv_assumption_it_capex_usd_bn_per_gw",
                  "npv_estimate_facility_capex_usd_bn_per_gw", "aws_server_useful_life_years",
                  "npv_assumption_facility_life_years",
                  "npv_assumption_operations_share_of_it_capex", "valuation_tax_rate",
                  "npv_assumption_aws_contract_start_year",
                  "npv_assumption_aws_contract_ramp_years",
                  "assumption_discount_rate", "aws_openai_trainium_gw",
                  # the counterparty loss: OpenAI's sources and uses (counterparty_from_finances)
                  *CAN_PAY_FACTS]
#: AWS's reported operating margins: the sanity range of the contract's margin.
MARGIN_CHECK_FACTS = ["aws_operating_margin_2025_pct", "aws_operating_margin_q1_2026_pct"]
#: Facts behind the tranche and the listing.
TRANCHE_FACTS = ["assumption_contingent_tranche_probability",
                 "cloud_assumption_contingent_tranche_year",
                 "amazon_openai_contingent_triggers", "amazon_openai_contingent_lapse_year",
                 "openai_ipo_filing", "npv_assumption_openai_listing_value_usd_bn",
                 "openai_ipo_target_valuation_usd_bn", "openai_secondary_forge_2026_04_usd_bn",
                 "npv_assumption_openai_private_value_usd_bn",
                 "npv_assumption_openai_value_volatility", "npv_assumption_listing_year",
                 "valuation_ipo_dilution", "valuation_openai_discount_rate",
                 "npv_assumption_tranche_pricing", "openai_round_2026_closed_usd_bn",
                 "openai_premoney_2026_usd_bn"]

#: How the tornado names its inputs.
TORNADO_LABELS = deal_npv.TORNADO_LABELS
#: Parameters each NPV metric depends on.
CONTRACT_PARAMS = list(aws_contract.CONTRACT_PARAMS)
TRANCHE_PARAMS = ["amazon_investment_usd_bn", "amazon_upfront_usd_bn",
                  "contingent_tranche_probability", "contingent_tranche_year",
                  "pre_money_valuation_usd_bn", "round_size_usd_bn", "openai_listing_value_usd_bn",
                  "openai_private_value_usd_bn", "openai_listing_probability", "listing_year",
                  "lapse_year", "ipo_dilution", "discount_rate", "stake_discount_rate",
                  "tranche_pricing"]


def mc_ranges(params: Mapping[str, Any]) -> dict[str, tuple[float, float]]:
    """Ranges of the price per accelerator-hour and the utilisation for the Monte Carlo."""
    return {"accelerator_hour_price_usd": (params["accelerator_hour_price_usd_low"],
                                           params["accelerator_hour_price_usd_high"]),
            "gpu_utilisation": (params["gpu_utilisation_low"], params["gpu_utilisation_high"])}


def value_range(mean: float, sigma: float) -> tuple[float, float]:
    """P10 and P90 of a lognormal value with this mean: ``mean × exp(∓1.2816 σ − σ² / 2)``."""
    z = 1.2815515655446004
    return (mean * math.exp(-z * sigma - sigma**2 / 2), mean * math.exp(z * sigma - sigma**2 / 2))


def tornado_ranges(params: Mapping[str, Any]) -> dict[str, tuple[float, float]]:
    """The ranges the NPV's tornado moves each input over (from the parameters' ends)."""
    sigma = params["openai_value_volatility"]
    return {
        "contingent_tranche_probability": (params["contingent_tranche_probability_low"],
                                           params["contingent_tranche_probability_high"]),
        "openai_listing_value_usd_bn": value_range(params["openai_listing_value_usd_bn"], sigma),
        "openai_private_value_usd_bn": value_range(params["openai_private_value_usd_bn"], sigma),
        "accelerator_hour_price_usd": mc_ranges(params)["accelerator_hour_price_usd"],
        "gpu_utilisation": mc_ranges(params)["gpu_utilisation"],
        "deal_caused_share": (params["deal_caused_share_low"], params["deal_caused_share_high"])
        if params["deal_caused_share"] > 0 else (0.0, 0.0),
        "counterparty_loss_probability": (params["counterparty_loss_probability_low"],
                                          params["counterparty_loss_probability_high"]),
        "discount_rate": (params["discount_rate_low"], params["discount_rate_high"]),
    }


def _finite_or_none(value: float) -> float | None:
    return float(value) if value is not None and math.isfinite(value) else None


def with_counterparty(params: Mapping[str, Any], facts: Any) -> dict[str, Any]:
    """``params`` with the counterparty loss of the AWS contract where it is absent.

    Its one source: OpenAI's sources and uses
    (:func:`valse.report.openai_pay.counterparty_from_finances`); the values a caller
    already set (02's notebook sets them from the same function) are kept. Without facts the
    parameters are returned as they are.
    """
    if facts is None or all(k in params for k in COUNTERPARTY_PARAMS):
        return dict(params)
    return {**params, **counterparty_from_finances(params, facts)}


def figures(params: Mapping[str, Any], mc: Mapping[str, np.ndarray] | None = None,
            facts: Any = None) -> dict[str, Any]:
    """Everything the templates print, from the parameters (and the draws when given).

    Parameters
    ----------
    params : mapping
        A notebook's parameters (scenario values over the notebook's defaults).
    mc : mapping, optional
        :func:`valse.model.deal_npv.monte_carlo_npv` draws: adds the NPV's band and the chance it is
        negative (``None`` without draws, or when a band would not contain its centre).
    facts : FactBase, optional
        Adds AWS's reported margins and the counterfactual's evidence from the fact base.
    """
    params = with_counterparty(params, facts)
    d = deal.create_deal(params)
    c = aws_contract.create_contract(params)
    t = tranche.create_tranche(params)
    parts = deal_npv.npv_parts(params)
    summary = aws_contract.contract_summary(c)
    whole = aws_contract.contract_summary(
        aws_contract.create_contract(params, deal_caused_share=1.0))
    reported_gw = float(facts.value("aws_openai_trainium_gw")) if facts is not None else 2.0
    share_2gw = (aws_contract.share_of_reported_capacity(c, reported_gw)
                 if d.aws_services_usd_bn > 0 else 0.0)
    out: dict[str, Any] = {
        "scenario": params.get("scenario_name", ""),
        "reading": deal.reading(d), "reading_name": deal.READING_NAMES[deal.reading(d)],
        "case": deal.case(d), "case_name": deal.CASE_NAMES[deal.case(d)],
        "reading_label": (deal.CASE_NAMES["no_deal"] if deal.case(d) == "no_deal"
                          else deal.READING_NAMES[deal.reading(d)]),
        "pricing": t.tranche_pricing, "pricing_name": tranche.PRICING_NAMES[t.tranche_pricing],
        "investment": d.amazon_investment_usd_bn, "upfront": d.amazon_upfront_usd_bn,
        "contingent": t.contingent_usd_bn, "has_tranche": t.has_tranche,
        "services": d.aws_services_usd_bn, "contract_years": d.contract_years,
        "circularity": (cloud.circularity_pct(d.aws_services_usd_bn, d.amazon_investment_usd_bn)
                        if d.amazon_investment_usd_bn > 0 else None),
        "caused_share": c.deal_caused_share, "caused_revenue": summary["revenue_usd_bn"],
        "caused_low": params.get("deal_caused_share_low"),
        "caused_high": params.get("deal_caused_share_high"),
        "price": c.accelerator_hour_price_usd, "tax_rate": c.tax_rate,
        "discount_rate": c.discount_rate, "start_year": c.aws_contract_start_year,
        "contract_capex": summary["capex_usd_bn"], "contract_margin":
            _finite_or_none(summary["operating_margin"]),
        "contract_irr": _finite_or_none(summary["irr_pct"]),
        "expected_loss": summary["expected_loss_usd_bn"],
        "loss_probability": c.counterparty_loss_probability,
        "recovery": c.counterparty_recovery_rate,
        "capex_per_gw": summary["capex_usd_bn_per_gw"],
        "whole_peak_gw": whole["peak_gigawatts"], "whole_capex": whole["capex_usd_bn"],
        "reported_gw": reported_gw, "share_of_reported_gw": share_2gw,
        "price_to_fill_reported_gw": c.accelerator_hour_price_usd * share_2gw,
        "p_first_state": tranche.listing_probability(t),
        "listing_value": t.openai_listing_value_usd_bn,
        "private_value": t.openai_private_value_usd_bn,
        "stake_discount_rate": t.stake_discount_rate,
        "states": tranche.states_table(t),
        "npv_p10": None, "npv_p90": None, "negative_pct": None,
    }
    out.update({
        "inv_pv": parts["amazon_investment_pv_usd_bn"],
        "stake_pv": parts["amazon_stake_value_pv_usd_bn"],
        "contract_npv": parts["aws_contract_npv_usd_bn"],
        "npv": parts["amazon_deal_npv_usd_bn"], "net_cost": parts["amazon_net_cost_pv_usd_bn"],
        "break_even": parts["break_even_strategic_value_usd_bn"],
        "tranche_value": parts["tranche_value_usd_bn"],
        "tranche_value_round": parts["tranche_value_round_usd_bn"],
        "tranche_value_ipo": parts["tranche_value_ipo_usd_bn"],
        "parts": parts,
    })
    if mc is not None:
        band = deal_npv.band_containing(out["npv"], mc["amazon_deal_npv_usd_bn"])
        if band is not None and band[0] < band[2]:
            out["npv_p10"], out["npv_p90"] = band[0], band[2]
        out["negative_pct"] = deal_npv.negative_pct(mc["amazon_deal_npv_usd_bn"])
    if facts is not None:
        out["aws_margin_low"] = min(facts.value(i) for i in MARGIN_CHECK_FACTS)
        out["aws_margin_high"] = max(facts.value(i) for i in MARGIN_CHECK_FACTS)
        commitments = float(facts.value("openai_compute_commitments_usd_bn"))
        nov = float(facts.value("aws_openai_contract_2025_11_usd_bn"))
        exp = float(facts.value("aws_openai_contract_expansion_usd_bn"))
        out["aws_share_before"] = 100 * nov / commitments
        out["aws_share_after"] = 100 * (nov + exp) / (commitments + exp)
    return out


def run_monte_carlo(params: Mapping[str, Any]) -> dict[str, np.ndarray]:
    """The notebook's correlated Monte Carlo of the NPV (``draws`` draws, ``seed``)."""
    return deal_npv.monte_carlo_npv(params, mc_ranges(params), int(params["draws"]),
                                    int(params["seed"]), params["value_correlation"],
                                    params["default_correlation"])


def record_npv_metrics(params: Mapping[str, Any], mc: Mapping[str, np.ndarray]) -> None:
    """Record the NPV's metrics (DESIGN.md names), with a band only where it contains its centre."""
    from valse.report.record import metric

    d = deal.create_deal(params)
    parts = deal_npv.npv_parts(params)
    deal_src = DEAL_FACTS[deal.case(d)]
    both = TRANCHE_PARAMS + CONTRACT_PARAMS

    def band(name: str) -> dict[str, float]:
        b = deal_npv.band_containing(parts[name], mc[name])
        return {} if b is None or b[0] == b[2] else dict(p10=b[0], p50=b[1], p90=b[2])

    metric("amazon_investment_pv_usd_bn", parts["amazon_investment_pv_usd_bn"], "USD bn",
           "Expected present value of what Amazon pays (the tranche in the state it is paid)",
           sources=deal_src + TRANCHE_FACTS[:2], params=TRANCHE_PARAMS[:4] + ["discount_rate"])
    metric("amazon_stake_value_pv_usd_bn", parts["amazon_stake_value_pv_usd_bn"], "USD bn",
           "Expected present value of Amazon's stake over the tranche's states (an expectation; "
           "the band is a range over the assumptions)",
           sources=deal_src + TRANCHE_FACTS, params=TRANCHE_PARAMS,
           **band("amazon_stake_value_pv_usd_bn"))
    metric("tranche_value_usd_bn", parts["tranche_value_usd_bn"], "USD bn",
           f"Value to Amazon of the right and obligation to buy the contingent part, "
           f"{tranche.PRICING_NAMES[params['tranche_pricing']]}",
           sources=deal_src + TRANCHE_FACTS, params=TRANCHE_PARAMS)
    metric("aws_contract_npv_usd_bn", parts["aws_contract_npv_usd_bn"], "USD bn",
           "NPV of AWS's after-tax cash flows from the part of the contract the deal causes, "
           "less the expected counterparty loss", sources=deal_src + CONTRACT_FACTS,
           params=CONTRACT_PARAMS, **band("aws_contract_npv_usd_bn"))
    if math.isfinite(parts["aws_contract_irr_pct"]):
        metric("aws_contract_irr_pct", parts["aws_contract_irr_pct"], "%",
               "IRR of those cash flows (may be negative)", sources=deal_src + CONTRACT_FACTS,
               params=CONTRACT_PARAMS)
    metric("amazon_net_cost_pv_usd_bn", parts["amazon_net_cost_pv_usd_bn"], "USD bn",
           "What the stake costs Amazon once AWS's value from the deal is counted "
           "(investment PV − AWS contract NPV)", sources=deal_src + CONTRACT_FACTS,
           params=both)
    metric("amazon_deal_npv_usd_bn", parts["amazon_deal_npv_usd_bn"], "USD bn",
           "The deal's NPV to Amazon: stake PV − investment PV + AWS contract NPV (an expectation "
           "over the states; the band is a range over the assumptions)",
           sources=deal_src + TRANCHE_FACTS + CONTRACT_FACTS, params=both,
           **band("amazon_deal_npv_usd_bn"))
    metric("amazon_deal_npv_negative_pct", deal_npv.negative_pct(mc["amazon_deal_npv_usd_bn"]),
           "%", "Chance, over the correlated Monte Carlo, that the NPV is negative",
           sources=deal_src + TRANCHE_FACTS + CONTRACT_FACTS, params=both + ["seed", "draws"])
    metric("amazon_break_even_strategic_value_usd_bn",
           parts["break_even_strategic_value_usd_bn"], "USD bn",
           "Strategic value (present value) Amazon needs for an NPV of zero",
           sources=deal_src + TRANCHE_FACTS + CONTRACT_FACTS, params=both)


def p10_p90_text(draws: np.ndarray) -> tuple[float, float]:
    """P10 and P90 of draws (for tables)."""
    p10, _, p90 = uncertainty.p10_p50_p90(draws)
    return p10, p90


def notebook_params(namespace: Mapping[str, Any]) -> dict[str, Any]:
    """The parameters in a notebook's namespace: its numbers, strings and flags, no modules."""
    return {k: v for k, v in namespace.items()
            if not k.startswith("_") and isinstance(v, bool | int | float | str)}


#: Where each parameter of the NPV (beyond the deal's core parameters) takes its default: a
#: fact id, ``id.low`` / ``id.high`` for its range. The cloud-economics notebook declares the
#: same defaults (a test keeps them equal); the overview and the summary, which declare only the
#: parameters a scenario file sets, take the rest from here.
NPV_DEFAULT_FACTS: dict[str, str] = {
    "contingent_tranche_year": "cloud_assumption_contingent_tranche_year",
    "contingent_tranche_probability_low": "assumption_contingent_tranche_probability.low",
    "contingent_tranche_probability_high": "assumption_contingent_tranche_probability.high",
    "discount_rate_low": "assumption_discount_rate.low",
    "discount_rate_high": "assumption_discount_rate.high",
    "gpu_utilisation": "cloud_assumption_gpu_utilisation",
    "gpu_utilisation_low": "cloud_assumption_gpu_utilisation.low",
    "gpu_utilisation_high": "cloud_assumption_gpu_utilisation.high",
    "deal_caused_share": "npv_assumption_deal_caused_share",
    "deal_caused_share_low": "npv_assumption_deal_caused_share.low",
    "deal_caused_share_high": "npv_assumption_deal_caused_share.high",
    "accelerator_hour_price_usd": "npv_assumption_accelerator_hour_price_usd",
    "accelerator_hour_price_usd_low": "npv_assumption_accelerator_hour_price_usd.low",
    "accelerator_hour_price_usd_high": "npv_assumption_accelerator_hour_price_usd.high",
    "tax_rate": "valuation_tax_rate",
    "accelerators_per_gw_it": "gpus_per_gw_gb200_it_load",
    "pue": "npv_assumption_pue",
    "power_price_usd_per_mwh": "npv_assumption_power_price_usd_per_mwh",
    "it_capex_usd_bn_per_gw": "npv_assumption_it_capex_usd_bn_per_gw",
    "facility_capex_usd_bn_per_gw": "npv_estimate_facility_capex_usd_bn_per_gw",
    "it_useful_life_years": "aws_server_useful_life_years",
    "facility_useful_life_years": "npv_assumption_facility_life_years",
    "operations_share_of_it_capex": "npv_assumption_operations_share_of_it_capex",
    "aws_contract_start_year": "npv_assumption_aws_contract_start_year",
    "aws_contract_ramp_years": "npv_assumption_aws_contract_ramp_years",
    "openai_listing_value_usd_bn": "npv_assumption_openai_listing_value_usd_bn",
    "openai_private_value_usd_bn": "npv_assumption_openai_private_value_usd_bn",
    "openai_value_volatility": "npv_assumption_openai_value_volatility",
    "openai_listing_probability": "npv_assumption_openai_listing_probability",
    "listing_year": "npv_assumption_listing_year",
    "lapse_year": "cloud_assumption_contingent_tranche_year.high",
    "ipo_dilution": "valuation_ipo_dilution",
    "stake_discount_rate": "valuation_openai_discount_rate",
    "value_correlation": "npv_assumption_value_correlation",
    "default_correlation": "npv_assumption_default_correlation",
    "tranche_pricing": "npv_assumption_tranche_pricing",
}


def npv_defaults(facts: Any) -> dict[str, Any]:
    """The NPV's parameters beyond the core ones, at their defaults from the fact base."""
    out: dict[str, Any] = {}
    for name, ref in NPV_DEFAULT_FACTS.items():
        fact_id, _, end = ref.partition(".")
        fact = facts[fact_id]
        out[name] = fact.value if fact.unit == "text" else (
            float(getattr(fact, end)) if end else float(fact.number))
    return out


def scenario_npv_parts(scenarios: Mapping[str, Mapping[str, Any]], facts: Any) -> pd.DataFrame:
    """The NPV and its parts for every scenario (its file over the facts' defaults), best first.

    The counterparty loss of each scenario comes from OpenAI's sources and uses
    (:func:`valse.report.openai_pay.counterparty_from_finances`), as in 02.

    Returns
    -------
    DataFrame
        One row per scenario, sorted by ``amazon_deal_npv_usd_bn`` (highest first), with the
        columns of :data:`valse.model.deal_npv.NPV_METRICS` and ``amazon_net_cost_pv_usd_bn``.
    """
    defaults = npv_defaults(facts)
    rows = {}
    for name, params in scenarios.items():
        p = {**defaults, **{k: v for k, v in params.items() if k != "description"},
             "scenario_name": name}
        p = with_counterparty(p, facts)  # the one path of the counterparty loss
        parts = deal_npv.npv_parts(p)
        rows[name] = {k: parts[k] for k in (*deal_npv.NPV_METRICS, "amazon_net_cost_pv_usd_bn")}
    frame = pd.DataFrame.from_dict(rows, orient="index")
    return frame.sort_values("amazon_deal_npv_usd_bn", ascending=False, kind="stable")
