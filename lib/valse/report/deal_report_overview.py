"""The overview notebook's (00) tables and chart: the rumour against the deal as reported, the
core figures of the scenario, the players around the deal and the consistency checks.

Each function returns what the notebook shows (a DataFrame, or a figure with its sources), so
that the notebook's cells are short calls; the fact ids each part stands on are kept here, next
to the rows that use them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from valse.data.checks import check_consistency
from valse.data.facts import side_by_side
from valse.report import chart_titles, charts

#: The rows of the side-by-side table: label, the rumour's fact id, the reported fact id.
READING_ROWS: list[tuple[str, str | None, str]] = [
    ("Amazon's commitment", "rumour_amazon_investment_usd_bn", "amazon_openai_commitment_usd_bn"),
    ("… paid at signing", None, "amazon_openai_upfront_usd_bn"),
    ("… paid on milestones", None, "amazon_openai_contingent_usd_bn"),
    ("AWS spending tied to the deal", "rumour_aws_services_in_investment_usd_bn",
     "aws_openai_contract_expansion_usd_bn"),
    ("OpenAI's AWS contract in all", "aws_openai_contract_2025_11_usd_bn",
     "aws_openai_contract_total_usd_bn"),
    ("Size of the round", "rumour_round_size_usd_bn", "openai_round_2026_closed_usd_bn"),
    ("OpenAI's valuation after the round", "rumour_openai_valuation_usd_bn",
     "openai_postmoney_2026_closed_usd_bn"),
]
#: The facts of the two readings' rows.
READING_FACTS: list[str] = [i for r in READING_ROWS for i in r[1:] if i]
#: The facts of the core figures' chart and table.
DEAL_FACTS: list[str] = ["amazon_openai_commitment_usd_bn", "amazon_openai_upfront_usd_bn"]
ROUND_FACTS: list[str] = ["openai_round_2026_closed_usd_bn", "openai_premoney_2026_usd_bn"]
AWS_FACTS: list[str] = ["aws_openai_contract_expansion_usd_bn"]
#: The money around OpenAI and Anthropic (section 3).
PLAYERS: list[str] = [
    "nvidia_openai_round_2026_usd_bn", "softbank_openai_round_2026_usd_bn",
    "microsoft_openai_stake_pct", "microsoft_openai_stake_value_usd_bn",
    "openai_azure_commitment_2025_10_usd_bn", "openai_oracle_commitment_usd_bn",
    "nvidia_openai_loi_usd_bn", "amd_openai_gw", "openai_compute_commitments_usd_bn",
    "amazon_anthropic_invested_usd_bn", "google_anthropic_invested_usd_bn",
    "microsoft_anthropic_commitment_usd_bn", "nvidia_anthropic_commitment_usd_bn",
]  # fmt: skip
#: The readings' labels in the chart's legend.
READING_DATES: dict[str, str] = {"rumour": "Jan 2026", "reported": "Feb–Mar 2026"}


def readings_frame(facts: Any) -> pd.DataFrame:
    """The rumour and the deal as reported, row by row (:func:`valse.data.facts.side_by_side`)."""
    return side_by_side(facts, READING_ROWS)


def readings_table(readings: pd.DataFrame) -> pd.DataFrame:
    """The side-by-side table as shown: values and statuses, "—" where a reading is silent."""
    cols = ["rumour value", "rumour status", "reported value", "reported status", "unit"]
    return readings[cols].astype(object).fillna("—")


def readings_chart(readings: pd.DataFrame, facts: Any):
    """Paired bars of the two readings' amounts (USD bn; the valuation left out, it would dwarf
    them), "not stated" where a reading says nothing, with the sources under the chart."""
    amounts = readings.loc[[r[0] for r in READING_ROWS
                            if r[0] != "OpenAI's valuation after the round"]]
    fig, ax = plt.subplots(figsize=(8, 4.2))
    y = np.arange(len(amounts))
    for offset, reading in ((-0.2, "rumour"), (0.2, "reported")):
        values = pd.to_numeric(amounts[f"{reading} value"], errors="coerce")
        ax.barh(y + offset, values.fillna(0), height=0.38, color=charts.READING_COLOURS[reading],
                label=f"{reading} ({READING_DATES[reading]})")
        for yi, v in zip(y + offset, values, strict=True):
            ax.text((0 if np.isnan(v) else v) + 1, yi,
                    "not stated" if np.isnan(v) else f"{v:,.0f}", va="center", fontsize=8)
    ax.set_yticks(y, amounts.index)
    ax.invert_yaxis()
    ax.set_xlabel("USD bn")
    ax.set_title(chart_titles.readings_title(facts.value("rumour_amazon_investment_usd_bn"),
                                             facts.value("amazon_openai_upfront_usd_bn")))
    ax.legend(loc="upper right")
    charts.add_sources(fig, facts, READING_FACTS)
    return fig, ax


def core_table(core: Mapping[str, float], investment_usd_bn: float) -> pd.Series:
    """The core figures of DESIGN.md from :func:`valse.model.deal.headline_metrics`; the
    circularity is not defined (NaN) without an investment."""
    return pd.Series({
        "OpenAI's valuation after the round (USD bn)": core["post_money_valuation_usd_bn"],
        "Amazon's stake if the whole commitment is paid (%)": core["amazon_stake_pct"],
        "Amazon's expected investment, undiscounted (USD bn)":
            core["amazon_expected_investment_usd_bn"],
        "Circularity: AWS spending tied to the deal / investment, a size ratio (%)":
            core["circularity_pct"] if investment_usd_bn > 0 else math.nan,
    }, name="value")  # fmt: skip


def core_display(table: pd.Series) -> pd.DataFrame:
    """The core figures as shown: rounded, "not defined" where they are not."""
    return table.round(2).astype(object).fillna("not defined (no investment)").to_frame()


def checks_frame(facts: Any) -> pd.DataFrame:
    """Every relation of ``data/checks.csv`` with its relative gap and tolerance [%]."""
    return pd.DataFrame([
        {"check": r.id, "left": r.left_value, "right": r.right_value,
         "gap %": 100 * r.rel_diff, "tolerance %": 100 * r.rel_tol, "agree": r.ok, "note": r.note}
        for r in check_consistency(facts)
    ]).set_index("check")  # fmt: skip


def checks_context(checks: pd.DataFrame) -> dict[str, int]:
    """Context of ``00_overview/status_checks``: how many checks, how many disagree."""
    return {"n_checks": len(checks), "n_disagreements": int((~checks["agree"]).sum())}


def loaded_context(facts: Any, scenario_name: str) -> dict[str, Any]:
    """Context of ``00_overview/status_loaded``: the scenario and the fact base loaded."""
    return {"scenario": scenario_name, "n_facts": len(facts), "path": facts.path.name}


def used_facts(*extra: list[str]) -> list[str]:
    """Every fact the notebook uses: its own lists, then ``extra`` (the NPV's facts)."""
    used = READING_FACTS + DEAL_FACTS + ROUND_FACTS + AWS_FACTS + PLAYERS
    for ids in extra:
        used = used + list(ids)
    return used


def reading_the_chart_context(facts: Any) -> dict[str, Any]:
    """Context of ``00_overview/reading_the_chart``: the two readings' amounts, from the facts."""
    fv = facts.value
    return {"commitment": fv("amazon_openai_commitment_usd_bn"),
            "upfront": fv("amazon_openai_upfront_usd_bn"),
            "contingent": fv("amazon_openai_contingent_usd_bn"),
            "lapse": facts["amazon_openai_contingent_lapse_year"].value,
            "rumour_services": fv("rumour_aws_services_in_investment_usd_bn"),
            "expansion": fv("aws_openai_contract_expansion_usd_bn"),
            "expansion_years": fv("aws_openai_contract_expansion_years")}
