"""Where the concentration is (section 11 of notebook 01): backlog shares and capacity on AWS.

The share of AWS's backlog, Microsoft's commercial remaining performance obligations and
Oracle's that comes from OpenAI and Anthropic, with the facts' dates
(:func:`valse.model.openai_finances.backlog_share_pct`), and the gigawatts committed on AWS
against what it adds a quarter.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from valse.report.valuation_story import reading_of

BACKLOG_FACTS: dict[str, list[str]] = {
    "reported": ["aws_backlog_q1_2026_usd_bn", "aws_openai_contract_2025_11_usd_bn",
                 "aws_openai_contract_expansion_usd_bn", "anthropic_aws_commitment_2026_04_usd_bn",
                 "microsoft_rpo_q2_fy2026_usd_bn", "microsoft_rpo_openai_share_pct",
                 "anthropic_azure_commitment_usd_bn"],
    "rumour": ["aws_backlog_q4_2025_usd_bn", "aws_openai_contract_2025_11_usd_bn",
               "microsoft_rpo_q2_fy2026_usd_bn", "microsoft_rpo_openai_share_pct",
               "anthropic_azure_commitment_usd_bn"],
}


def backlog_shares(p: Mapping[str, Any], facts):
    """Share of each provider's backlog from OpenAI and Anthropic, with the facts' dates.

    In the reported reading AWS's backlog is that of 31 March 2026 (USD 364 bn), which holds
    both OpenAI contracts (November 2025 and the February 2026 expansion) and excludes
    Anthropic's April 2026 commitment (the fact's note); a second AWS row adds that
    commitment to both sides. In the rumour's reading (January 2026) the latest backlog is
    that of 31 December 2025, with OpenAI's November 2025 contract. Microsoft's commercial
    remaining performance obligations of 31 December 2025: OpenAI's reported 45 % share and
    Anthropic's November 2025 Azure commitment. Oracle's obligations are not in the facts.

    Returns a DataFrame (one row a provider and date: backlog, OpenAI, Anthropic, share %).
    """
    import pandas as pd

    from valse.model.openai_finances import backlog_share_pct

    v = facts.value
    rows = []
    if reading_of(p) == "reported":
        aws, openai = v("aws_backlog_q1_2026_usd_bn"), (
            v("aws_openai_contract_2025_11_usd_bn") + v("aws_openai_contract_expansion_usd_bn"))
        rows.append(("AWS, 31 March 2026", aws, openai, 0.0))
        extra = v("anthropic_aws_commitment_2026_04_usd_bn")
        rows.append(("AWS, with Anthropic's April 2026 commitment added", aws + extra, openai,
                     extra))
    else:
        rows.append(("AWS, 31 December 2025", v("aws_backlog_q4_2025_usd_bn"),
                     v("aws_openai_contract_2025_11_usd_bn"), 0.0))
    rpo = v("microsoft_rpo_q2_fy2026_usd_bn")
    rows.append(("Microsoft (commercial), 31 December 2025", rpo,
                 rpo * v("microsoft_rpo_openai_share_pct") / 100,
                 v("anthropic_azure_commitment_usd_bn")))
    frame = pd.DataFrame(rows, columns=["provider and date", "backlog (USD bn)",
                                        "OpenAI (USD bn)", "Anthropic (USD bn)"])
    frame["share from OpenAI and Anthropic (%)"] = [
        backlog_share_pct(b, {"OpenAI": o, "Anthropic": a})
        for b, o, a in frame[["backlog (USD bn)", "OpenAI (USD bn)",
                              "Anthropic (USD bn)"]].to_numpy()]
    return frame.set_index("provider and date")


CAPACITY_FACTS: list[str] = [
    "aws_openai_trainium_gw", "anthropic_aws_capacity_2026_04_gw", "aws_capacity_added_q4_2025_gw",
    "capex_per_gw_execs_2025_11_usd_bn_per_gw", "capex_per_gw_altman_2025_10_usd_bn_per_gw",
    "capex_per_gw_huang_2026_06_usd_bn_per_gw", "amazon_capex_2026_guidance_usd_bn",
]


def capacity_on_aws(facts) -> dict[str, float]:
    """Gigawatts committed on AWS to OpenAI and Anthropic against AWS's build rate and capex.

    The capex per GW runs from the executives' 2025 estimate (low) through Altman's figure
    (central) to Huang's 2026 figure (high), all in the facts.
    """
    from valse.model.openai_finances import build_quarters, implied_capex_usd_bn

    v = facts.value
    gw = v("aws_openai_trainium_gw") + v("anthropic_aws_capacity_2026_04_gw")
    per_gw = (v("capex_per_gw_execs_2025_11_usd_bn_per_gw"),
              v("capex_per_gw_altman_2025_10_usd_bn_per_gw"),
              v("capex_per_gw_huang_2026_06_usd_bn_per_gw"))
    capex = [implied_capex_usd_bn(gw, c) for c in per_gw]
    guidance = v("amazon_capex_2026_guidance_usd_bn")
    return {"gw": gw, "openai_gw": v("aws_openai_trainium_gw"),
            "anthropic_gw": v("anthropic_aws_capacity_2026_04_gw"),
            "quarters": build_quarters(gw, v("aws_capacity_added_q4_2025_gw")),
            "gw_per_quarter": v("aws_capacity_added_q4_2025_gw"),
            "capex_low": capex[0], "capex": capex[1], "capex_high": capex[2],
            "guidance": guidance, "capex_share_of_guidance": capex[1] / guidance}


def concentration_story(p: Mapping[str, Any], shares, capacity: Mapping[str, float]):
    """The figures of the template ``01_valuation/concentration``."""
    from valse.model.deal import READING_NAMES

    reading = reading_of(p)
    col = "share from OpenAI and Anthropic (%)"
    aws = shares.index[0]
    return {
        "reading": reading, "reading_name": READING_NAMES[reading],
        "aws_share": float(shares[col].iloc[0]), "aws_date": aws.split(", ", 1)[1],
        "aws_share_with_anthropic": float(shares[col].iloc[1]) if reading == "reported" else 0.0,
        "msft_share": float(shares[col].iloc[-1]),
        **{k: capacity[k] for k in ("gw", "openai_gw", "anthropic_gw", "quarters",
                                    "gw_per_quarter", "capex_low", "capex", "capex_high",
                                    "guidance")},
        "capex_share": capacity["capex_share_of_guidance"],
    }


def concentration_metrics(p: Mapping[str, Any], shares, capacity) -> list[dict[str, Any]]:
    """Metric records of the backlog shares and the capacity on AWS."""
    col = "share from OpenAI and Anthropic (%)"
    reading = reading_of(p)
    return [
        dict(name="aws_backlog_openai_anthropic_share_pct", value=float(shares[col].iloc[0]),
             unit="%", label=(f"Share of AWS's backlog ({shares.index[0].split(', ', 1)[1]}) "
                              "from OpenAI's and Anthropic's contracts in it"),
             sources=BACKLOG_FACTS[reading][:4], params=["aws_services_usd_bn"]),
        dict(name="microsoft_rpo_openai_anthropic_share_pct", value=float(shares[col].iloc[-1]),
             unit="%", label=("Share of Microsoft's commercial remaining performance obligations "
                              "(31 December 2025) from OpenAI and Anthropic"),
             sources=BACKLOG_FACTS["reported"][4:], params=[]),
        dict(name="aws_openai_anthropic_build_quarters", value=capacity["quarters"],
             unit="quarters",
             label=("Quarters of AWS's capacity additions (Q4 2025 rate) that its gigawatts "
                    "committed to OpenAI and Anthropic take"),
             sources=CAPACITY_FACTS[:3], params=[]),
    ]
