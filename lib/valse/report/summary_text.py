"""The summary's words: short labels, headline sentences, the contexts of its templates.

The figures come from :mod:`valse.report.summary`; the sentences whose words depend on them
are rendered from ``templates/05_summary/*.md.j2`` by :mod:`valse.report.narrative`, with
the contexts built here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from valse.model.deal import create_deal

#: Short reader-facing names of parameters and metrics (tables, claims tracker).
SHORT_LABELS: dict[str, str] = {
    "amazon_investment_usd_bn": "headline investment",
    "amazon_upfront_usd_bn": "paid at signing",
    "contingent_tranche_probability": "chance the milestone part is paid",
    "aws_services_usd_bn": "AWS spending tied to the deal",
    "round_size_usd_bn": "round size",
    "pre_money_valuation_usd_bn": "pre-money valuation",
    "aws_ai_operating_margin": "AWS margin on AI compute",
    "contract_years": "contract length (years)",
    "discount_rate": "discount rate",
    "roles_cut": "roles cut",
    "cost_per_role_usd_k": "cost per role (USD k)",
    "post_money_valuation_usd_bn": "post-money valuation",
    "amazon_stake_pct": "Amazon's stake",
    "amazon_expected_stake_pct": "expected stake",
    "amazon_stake_if_milestones_missed_pct": "stake if milestones are missed",
    "amazon_expected_investment_usd_bn": "expected investment",
    "circularity_pct": "circularity (a size ratio, not money returned)",
    "amazon_deal_npv_usd_bn": "NPV to Amazon",
    "amazon_net_cost_pv_usd_bn": "net cost of the stake, present value",
    "amazon_investment_pv_usd_bn": "what Amazon pays, present value",
    "amazon_stake_value_pv_usd_bn": "stake value, present value",
    "aws_contract_npv_usd_bn": "AWS contract NPV (after tax)",
    "aws_contract_irr_pct": "AWS contract IRR",
    "tranche_value_usd_bn": "value of the contingent tranche",
    "amazon_deal_npv_negative_pct": "chance the NPV is negative",
    "amazon_break_even_strategic_value_usd_bn": "strategic value needed to break even",
    "deal_caused_share": "share of the AWS spending the deal causes",
    "layoff_savings_usd_bn_per_year": "layoff savings",
    "years_of_savings_to_match_investment": "years of savings to match the investment",
    "cloud_hhi": "cloud market HHI",
    "cloud_hhi_after_shift": "cloud market HHI after the deal's shift",
    "cloud_hhi_delta": "HHI change from the deal",
    "amazon_stake_value_at_ipo_usd_bn": "Amazon's stake at the IPO",
    "microsoft_stake_after_round_pct": "Microsoft's stake after the round",
    "aws_revenue_share_pct_peak_year": "share of AWS revenue, peak year",
    "aws_growth_share_pct_first_year": "share of AWS growth, first year",
    "total_flows_usd_bn": "all money in the web",
    "one_way_volume_usd_bn": "money that goes one way",
    "circular_volume_usd_bn": "money that goes round",
    "max_circular_volume_usd_bn": "most that could go round",
    "circular_share_pct": "share of the money that goes round",
    "payroll_share_of_ai_funding_pct": "payroll savings in AI funding",
    "savings_share_of_ai_capex_pct": "layoff savings / AI capex",
    "savings_share_of_aws_operating_income_pct": "layoff savings / AWS operating income",
}

#: The figures of the executive summary (when recorded), in reading order: what the deal is
#: worth to Amazon and what the stake costs it, what AWS gets, who pays what, the stake, the
#: money that goes round, the payroll. (The first edition's net cash outlay and margin-based
#: economic cost are retired: they counted AWS revenue, or its accounting margin, as money
#: returned.)
HEADLINE_METRICS: tuple[str, ...] = (
    "amazon_deal_npv_usd_bn",
    "amazon_net_cost_pv_usd_bn",
    "aws_contract_npv_usd_bn",
    "amazon_expected_investment_usd_bn",
    "amazon_stake_pct",
    "amazon_stake_value_at_ipo_usd_bn",
    "aws_revenue_share_pct_peak_year",
    "circular_share_pct",
    "years_of_savings_to_match_investment",
)


def format_value(value: float, unit: str) -> str:
    """A figure for prose: ``USD 32.5 billion``, ``5.9%``, ``7.4 years``, ``1,421 HHI points``.

    Amounts are written without a dollar sign: JupyterLab would typeset a pair of them as
    mathematics.
    """
    if unit.startswith("USD bn"):
        sign = "−" if value < 0 else ""
        tail = " a year" if unit.endswith("per year") else ""
        return f"{sign}USD {abs(value):,.1f} billion{tail}"
    if unit.startswith("%"):
        return f"{value:,.1f}%{unit[1:]}"
    if abs(value) >= 1000:
        return f"{value:,.0f} {unit}"
    return f"{value:,.3g} {unit}"


#: One plain sentence per headline metric: ``{value}`` is the figure in bold, ``{range}`` its
#: P10–P90 range in brackets (or nothing).
PLAIN_SENTENCES: dict[str, str] = {
    "amazon_expected_investment_usd_bn": (
        "Counting the milestone part at its probability, Amazon is expected to invest "
        "{value}{range}, an expectation: it pays either the upfront part or all of it."
    ),
    "amazon_deal_npv_usd_bn": (
        "On its cash flows, the deal's expected net present value to Amazon is {value}{range}."
    ),
    "amazon_net_cost_pv_usd_bn": (
        "Amazon's real exposure is the equity: net of what the AWS contract the deal causes is "
        "worth, the stake costs it {value} in today's money{range}."
    ),
    "aws_contract_npv_usd_bn": (
        "The part of OpenAI's AWS contract the deal causes is worth {value} to AWS after its "
        "capex, running costs and tax{range}: revenue, not money returned."
    ),
    "amazon_stake_pct": "If the whole commitment is paid, Amazon owns {value} of OpenAI{range}.",
    "amazon_stake_value_at_ipo_usd_bn": (
        "Amazon's expected stake could be worth {value} at the IPO{range}."
    ),
    "aws_revenue_share_pct_peak_year": (
        "In its peak year, the AWS contract is {value} of AWS's revenue{range}."
    ),
    "circular_share_pct": (
        "Of all the money committed between the companies in the data, {value} goes round in "
        "closed loops{range}."
    ),
    "years_of_savings_to_match_investment": (
        "The layoffs' yearly savings would take {value} to add up to Amazon's commitment{range}."
    ),
}


def headline_sentence(row: Mapping[str, Any], name: str | None = None) -> str:
    """One plain sentence for a row of :func:`headline_table`: value and range.

    Uses :data:`PLAIN_SENTENCES` for ``name`` when it has one, else the record's label.
    """
    value = f"**{format_value(row['value'], row['unit'])}**"
    spread = ""
    p10, p90 = row.get("p10"), row.get("p90")
    if p10 is not None and p90 is not None and not (math.isnan(p10) or math.isnan(p90)):
        if math.isclose(p10, p90, rel_tol=1e-9, abs_tol=1e-12):
            spread = " (no spread over the assumptions' ranges)"
        else:
            spread = (
                f" (P10–P90 over the assumptions {format_value(p10, row['unit'])} to "
                f"{format_value(p90, row['unit'])})"
            )
    template = PLAIN_SENTENCES.get(name or "")
    if template:
        return template.format(value=value, range=spread)
    from valse.report.sanitize import md_escape

    return f"{md_escape(row['label'].rstrip('.'))}: {value}{spread}."


def dollars_as_usd(text: str) -> str:
    """Text from the data (a scenario's description) for Markdown: escaped, so that it shows
    as written and never as markup (:func:`valse.report.sanitize.md_escape`), with ``$50B`` written
    ``USD 50B``.

    JupyterLab typesets the text between two dollar signs as mathematics, and no escape
    works both there and on the exported pages.
    """
    import re

    from valse.report.sanitize import md_escape

    return md_escape(re.sub(r"\$\s?(?=\d)", "USD ", text))


def claims_view(tracker: pd.DataFrame):
    """The claims tracker (:func:`valse.data.claims.claims_frame`) as a table for the page.

    Cells are HTML-escaped, text left-aligned; the table's id is fixed (``T_claims``) where
    pandas' Styler would draw a random one, so that the same inputs give the same page bytes.

    Returns
    -------
    pandas.io.formats.style.Styler
    """
    return (tracker.reset_index(drop=True).style.set_uuid("claims").hide(axis="index")
            .format(escape="html")
            .set_properties(**{"text-align": "left", "vertical-align": "top", "font-size": "90%"})
            .set_table_styles([{"selector": "th", "props": [("text-align", "left")]}]))


def npv_figures(values: Mapping[str, float], params: Mapping[str, Any]) -> dict[str, Any]:
    """Context of the summary's templates on the NPV (``05_summary/who_pays``, ``aws``).

    Parameters
    ----------
    values : mapping
        Recorded metric values by name (the NPV metrics of the cloud-economics notebook).
    params : mapping
        The scenario's core parameters (for the headline investment and the reading).
    """
    from valse.model import deal

    d = create_deal(params)
    label = (deal.CASE_NAMES["no_deal"] if deal.case(d) == "no_deal"
             else deal.READING_NAMES[deal.reading(d)])
    out: dict[str, Any] = {"reading_label": label,
                           "amazon_investment_usd_bn": d.amazon_investment_usd_bn,
                           "aws_contract_irr_pct": None}
    out.update({k: float(v) for k, v in values.items()})
    irr = out.get("aws_contract_irr_pct")
    if irr is not None and not math.isfinite(irr):
        out["aws_contract_irr_pct"] = None
    return out


def ranking_figures(table: pd.DataFrame, investments: Mapping[str, float]) -> dict[str, Any]:
    """Context of ``05_summary/ranking`` from a table sorted by NPV (best first)."""
    npv = table["amazon_deal_npv_usd_bn"]
    invested = [n for n in table.index if investments.get(n, 0) > 0]
    return {"best": str(npv.index[0]), "best_npv": float(npv.iloc[0]),
            "worst": str(npv.index[-1]), "worst_npv": float(npv.iloc[-1]),
            "invested_count": len(invested),
            "negative_count": int(sum(npv[n] < 0 for n in invested))}


def readings_figures(table: pd.DataFrame, scenarios: Mapping[str, Mapping[str, Any]]
                     ) -> dict[str, Any]:
    """Context of ``05_summary/readings``: the rumour's and the reported deal's NPV parts."""
    r, b = table.loc["rumour"], table.loc["base"]
    return {"rumour_investment": float(scenarios["rumour"]["amazon_investment_usd_bn"]),
            "rumour_npv": float(r["amazon_deal_npv_usd_bn"]),
            "rumour_net_cost": float(r["amazon_net_cost_pv_usd_bn"]),
            "reported_upfront": float(scenarios["base"]["amazon_upfront_usd_bn"]),
            "reported_npv": float(b["amazon_deal_npv_usd_bn"]),
            "reported_services": float(scenarios["base"]["aws_services_usd_bn"]),
            "reported_contract_npv": float(b["aws_contract_npv_usd_bn"])}


# --- the answers' contexts (Q6's tree: valse.report.tree_report) ------------------------


def readings_context(table: pd.DataFrame, scenarios: Mapping[str, Mapping[str, Any]]
                     ) -> dict[str, float] | None:
    """Q9's context: the rumour's and the reported deal's amounts and NPVs (None if missing)."""
    if not {"rumour", "base"} <= set(table.index) or not {"rumour", "base"} <= set(scenarios):
        return None
    r, b = scenarios["rumour"], scenarios["base"]
    return {"rumour_investment": float(r["amazon_investment_usd_bn"]),
            "rumour_services": float(r["aws_services_usd_bn"]),
            "rumour_npv": float(table.loc["rumour", "amazon_deal_npv_usd_bn"]),
            "reported_upfront": float(b["amazon_upfront_usd_bn"]),
            "reported_services": float(b["aws_services_usd_bn"]),
            "reported_npv": float(table.loc["base", "amazon_deal_npv_usd_bn"])}


def claims_counts(counts: Mapping[str, int]) -> dict[str, int]:
    """The four status counts the answers read (0 for a status with no claim)."""
    return {k: int(counts.get(k, 0)) for k in ("confirmed", "reported", "denied", "unverified")}
