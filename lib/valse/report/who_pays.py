"""What ``03_labor_costs`` shows of who pays: tables, the 2026 chart, metrics and prose figures.

The report layer over :mod:`valse.model.amazon_cash` and :mod:`valse.model.labor`: the notebook
calls
these functions in one line each, and the narrative test builds the same figures for every
scenario without a kernel (:func:`plain_words_context`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from valse.model import amazon_cash, labor, labor_ramp, labor_yardsticks
from valse.model.deal import CASE_NAMES, DEAL_FIELDS, READING_NAMES, case, create_deal, reading

#: How each use and source of cash is named in tables and charts.
LABELS: dict[str, str] = {
    "ai_capex_usd_bn": "capex: AI",
    "other_capex_usd_bn": "capex: other (logistics, retail)",
    "openai_usd_bn": "OpenAI (expected payment)",
    "anthropic_usd_bn": "Anthropic",
    "buybacks_dividends_usd_bn": "buybacks and dividends",
    "added_to_cash_usd_bn": "added to cash reserves",
    "operating_cash_customers_usd_bn": "operating cash flow: customers",
    "operating_cash_payroll_savings_usd_bn": "operating cash flow: the cuts' net cash savings",
    "borrowing_usd_bn": "borrowing (bonds, term loan)",
    "cash_reserves_usd_bn": "drawn from cash reserves (the gap)",
}

#: Facts behind the 2025 column of the sources and uses.
CASH_2025_FACTS: tuple[str, ...] = (
    "amazon_operating_cash_flow_2025_usd_bn",
    "amazon_capex_2025_usd_bn",
    "amazon_anthropic_remaining_2025_usd_bn",
    "amazon_buybacks_2025_usd_bn",
    "labor_amazon_bond_2025_11_usd_bn",
)
#: Facts behind the deal's expected payment to OpenAI.
DEAL_FACTS: tuple[str, ...] = (
    "amazon_openai_commitment_usd_bn",
    "amazon_openai_upfront_usd_bn",
    "assumption_contingent_tranche_probability",
)
#: Facts behind Amazon's 2026 AI capex.
CAPEX_2026_FACTS: tuple[str, ...] = (
    "amazon_cash_assumption_capex_2026_usd_bn",
    "amazon_capex_2026_guidance_usd_bn",
    "labor_assumption_ai_share_of_capex",
)
#: Facts behind the 2026 column of the sources and uses.
CASH_2026_FACTS: tuple[str, ...] = (
    "amazon_cash_assumption_operating_cash_flow_2026_usd_bn",
    "amazon_operating_cash_flow_ttm_q1_2026_usd_bn",
    *CAPEX_2026_FACTS,
    *DEAL_FACTS,
    "amazon_anthropic_new_2026_04_usd_bn",
    "amazon_buybacks_q1_2026_usd_bn",
    "amazon_cash_assumption_buybacks_2026_usd_bn",
    "amazon_cash_assumption_dividends_usd_bn",
    "amazon_term_loan_2026_06_usd_bn",
)
#: Every fact behind the sources and uses (the chart's provenance line).
CASH_FACTS: tuple[str, ...] = (*CASH_2025_FACTS, *CASH_2026_FACTS)
#: Facts behind the cuts' cash savings.
PAYROLL_FACTS: tuple[str, ...] = (
    *labor_ramp.CUT_ROUNDS,
    "assumption_cost_per_role_usd_k",
    "labor_salary_per_role_usd_k",
    "labor_stock_compensation_per_role_usd_k",
    "labor_benefits_per_role_usd_k",
    "labor_overhead_per_role_usd_k",
    "labor_assumption_rehire_share",
    "labor_amazon_notice_days_count",
    "labor_assumption_severance_months",
)
_DEAL = ("amazon_investment_usd_bn", "amazon_upfront_usd_bn", "contingent_tranche_probability")
_CUTS = ("roles_cut", "cost_per_role_usd_k", "stock_compensation_usd_k", "rehire_share")
_CASH_2026 = ("operating_cash_flow_2026_usd_bn", "capex_2026_usd_bn", "ai_share_of_capex")
_LOAN = ("borrowing_2026_usd_bn", "anthropic_investment_2026_usd_bn")

#: The metrics recorded from :func:`valse.model.amazon_cash.who_pays_figures`: name → (unit,
#: label, sources, params). Each is recorded with its P10–P90 over the uncertain inputs.
METRICS: dict[str, tuple[str, str, tuple[str, ...], tuple[str, ...]]] = {
    "payroll_cash_savings_usd_bn_per_year": (
        "USD bn per year",
        "Cash the cuts save in a full year: roles x (fully loaded cost less stock "
        "compensation), net of the roles whose cost comes back",
        PAYROLL_FACTS,
        _CUTS,
    ),
    "payroll_net_cash_savings_2026_usd_bn": (
        "USD bn",
        "Cash the cuts save in calendar 2026, after the notice periods, severance and rehiring",
        PAYROLL_FACTS,
        (*_CUTS, "notice_months", "severance_months"),
    ),
    "years_of_cash_savings_to_match_expected_investment": (
        "years",
        "Years of the cuts' cash savings to add up to what Amazon is expected to pay OpenAI "
        "(upfront + tranche x its chance)",
        (*PAYROLL_FACTS, *DEAL_FACTS),
        (*_CUTS, *_DEAL),
    ),
    "years_of_cash_savings_to_match_upfront": (
        "years",
        "Years of the cuts' cash savings to add up to the part paid to OpenAI at signing",
        (*PAYROLL_FACTS, *DEAL_FACTS[:2]),
        (*_CUTS, "amazon_upfront_usd_bn"),
    ),
    "payroll_share_of_ai_capex_2026_pct": (
        "%",
        "A full year of the cuts' cash savings as a share of Amazon's 2026 AI capex",
        (*PAYROLL_FACTS, *CAPEX_2026_FACTS),
        (*_CUTS, "capex_2026_usd_bn", "ai_share_of_capex"),
    ),
    "payroll_cash_savings_share_of_aws_operating_income_pct": (
        "%",
        "A full year of the cuts' cash savings as a share of AWS's 2025 operating income",
        (*PAYROLL_FACTS, "aws_operating_income_2025_usd_bn"),
        (*_CUTS, "aws_operating_income_usd_bn"),
    ),
    "amazon_ai_spending_funded_by_borrowing_pct": (
        "%",
        "Share of Amazon's 2026 AI spending (AI capex, OpenAI, Anthropic) paid by money "
        "borrowed in 2026, operating cash paying first",
        (*CASH_2026_FACTS, *PAYROLL_FACTS),
        (*_CASH_2026, *_DEAL, *_LOAN),
    ),
    "amazon_ai_spending_funded_by_cash_reserves_pct": (
        "%",
        "Share of Amazon's 2026 AI spending drawn from its cash reserves (or borrowing not in "
        "the facts), operating cash and the term loan paying first",
        (*CASH_2026_FACTS, *PAYROLL_FACTS),
        (*_CASH_2026, *_DEAL, *_LOAN),
    ),
    "payroll_share_of_ai_spending_2026_pct": (
        "%",
        "Share of Amazon's 2026 AI spending paid by the cuts' net cash savings of 2026, "
        "operating cash paying first",
        (*CASH_2026_FACTS, *PAYROLL_FACTS),
        (*_CASH_2026, *_DEAL, *_LOAN, *_CUTS, "severance_months"),
    ),
}

#: Everything :func:`who_pays_bands` needs a band for (the metrics, and the prose).
BANDED: tuple[str, ...] = tuple(METRICS) + ("years_of_savings_to_match_investment",)


def sources_and_uses_table(figures: Mapping[str, float]):
    """The 2025 and 2026 sources and uses of cash as a table [USD bn].

    Returns
    -------
    pandas.DataFrame
        Indexed by (side, item) with the labels of :data:`LABELS`; columns ``2025`` and
        ``2026 (central)``; a ``total`` row per side, equal on both sides.
    """
    import pandas as pd

    rows = []
    for side, keys in (("uses", amazon_cash.USES), ("sources", amazon_cash.SOURCES)):
        for key in keys:
            rows.append((side, LABELS[key], figures[f"su_2025_{key}"], figures[f"su_2026_{key}"]))
        rows.append(
            (side, "total", figures["su_2025_total_usd_bn"], figures["su_2026_total_usd_bn"])
        )
    frame = pd.DataFrame(rows, columns=["side", "item", "2025", "2026 (central)"])
    return frame.set_index(["side", "item"])


def ai_funding_table(figures: Mapping[str, float], bands: Mapping[str, Sequence[float]]):
    """Who pays the 2026 AI spending: shares under both conventions [%], with P10–P90.

    Returns
    -------
    pandas.DataFrame
        One row per source (:data:`valse.model.amazon_cash.AI_FUNDING_PARTS`): ``operating cash
        first (%)``, ``pro rata (%)``, and the 2025 operating-first share for comparison.
    """
    import pandas as pd

    rows = {}
    for key in amazon_cash.AI_FUNDING_PARTS:
        short = key.removesuffix("_usd_bn")
        rows[LABELS[key]] = {
            "2026, operating cash first (%)": figures[f"ai_2026_operating_first_{short}_pct"],
            "2026, pro rata (%)": figures[f"ai_2026_pro_rata_{short}_pct"],
            "2025, operating cash first (%)": figures[f"ai_2025_operating_first_{short}_pct"],
        }
    frame = pd.DataFrame(rows).T
    band = {
        LABELS["borrowing_usd_bn"]: bands.get("amazon_ai_spending_funded_by_borrowing_pct"),
        LABELS["cash_reserves_usd_bn"]: bands.get("amazon_ai_spending_funded_by_cash_reserves_pct"),
        LABELS["operating_cash_payroll_savings_usd_bn"]: bands.get(
            "payroll_share_of_ai_spending_2026_pct"
        ),
    }
    frame["2026 P10 (%)"] = [band[i][0] if band.get(i) else float("nan") for i in frame.index]
    frame["2026 P90 (%)"] = [band[i][2] if band.get(i) else float("nan") for i in frame.index]
    return frame


def yardsticks_table(figures: Mapping[str, float], bands: Mapping[str, Sequence[float]]):
    """The labour yardsticks: the cash basis (new) beside the fully loaded one (first edition).

    Returns
    -------
    pandas.DataFrame
        Rows: yardstick; columns ``value``, ``P10``, ``P90``, ``basis``.
    """
    import pandas as pd

    spec = [
        (
            "years of cash savings to match the expected payment to OpenAI",
            "years_of_cash_savings_to_match_expected_investment",
            "cash (new)",
        ),
        (
            "years of cash savings to match the part paid at signing",
            "years_of_cash_savings_to_match_upfront",
            "cash (new)",
        ),
        (
            "years of fully loaded savings to match the headline amount",
            "years_of_savings_to_match_investment",
            "fully loaded (sensitivity)",
        ),
        ("cash savings, full year (USD bn)", "payroll_cash_savings_usd_bn_per_year", "cash (new)"),
        (
            "cash savings in 2026, after notice and severance (USD bn)",
            "payroll_net_cash_savings_2026_usd_bn",
            "cash (new)",
        ),
        ("cash savings / 2026 AI capex (%)", "payroll_share_of_ai_capex_2026_pct", "cash (new)"),
        (
            "cash savings / AWS 2025 operating income (%)",
            "payroll_cash_savings_share_of_aws_operating_income_pct",
            "cash (new)",
        ),
    ]
    return pd.DataFrame(
        [
            {
                "yardstick": label,
                "value": figures[name],
                "P10": bands[name][0],
                "P90": bands[name][2],
                "basis": basis,
            }
            for label, name, basis in spec
        ]
    ).set_index("yardstick")


_LIGHT = {"other_capex_usd_bn", "added_to_cash_usd_bn", "operating_cash_customers_usd_bn"}


def sources_and_uses_chart(figures: Mapping[str, float], facts, scenario_name: str):
    """Stacked bars: what Amazon spends and what pays for it, 2025 and 2026 [USD bn].

    Four bars (2025 uses, 2025 sources, 2026 uses, 2026 sources), each use and source a
    segment labelled with its amount; the provenance line names :data:`CASH_FACTS` and
    :data:`PAYROLL_FACTS`.

    Returns
    -------
    (matplotlib.figure.Figure, matplotlib.axes.Axes)
    """
    import matplotlib.pyplot as plt
    import numpy as np

    from valse.report import charts

    fig, ax = plt.subplots(figsize=(9, 5.2))
    bars = [
        ("2025\nuses", "2025", amazon_cash.USES),
        ("2025\nsources", "2025", amazon_cash.SOURCES),
        ("2026\nuses", "2026", amazon_cash.USES),
        ("2026\nsources", "2026", amazon_cash.SOURCES),
    ]
    colours = {
        "ai_capex_usd_bn": charts.PALETTE[0],
        "other_capex_usd_bn": "#9ecae1",
        "openai_usd_bn": charts.PALETTE[2],
        "anthropic_usd_bn": charts.PALETTE[3],
        "buybacks_dividends_usd_bn": "#8c564b",
        "added_to_cash_usd_bn": "#d9d9d9",
        "operating_cash_customers_usd_bn": "#fdae6b",
        "operating_cash_payroll_savings_usd_bn": "#d62728",
        "borrowing_usd_bn": "#a63603",
        "cash_reserves_usd_bn": "#737373",
    }
    seen = set()
    for x, (_name, year, keys) in enumerate(bars):
        bottom = 0.0
        for key in keys:
            value = figures[f"su_{year}_{key}"]
            if value <= 0:
                continue
            label = LABELS[key] if key not in seen else None
            seen.add(key)
            ax.bar(
                x,
                value,
                bottom=bottom,
                color=colours[key],
                width=0.6,
                label=label,
                edgecolor="white",
            )
            if value >= 6:
                ax.text(
                    x,
                    bottom + value / 2,
                    f"{value:,.1f}",
                    ha="center",
                    va="center",
                    fontsize=8,
                    color="black" if key in _LIGHT else "white",
                )
            bottom += value
    ax.set_xticks(np.arange(len(bars)), [b[0] for b in bars])
    ax.set_ylabel("USD bn (calendar year)")
    ax.set_title(f"Amazon's cash: what it spends and what pays for it — scenario {scenario_name}")
    ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=8)
    charts.add_sources(
        fig,
        facts,
        [*CASH_FACTS, *PAYROLL_FACTS],
        extra=["2026: central values; payroll savings net of severance (model)"],
    )
    return fig, ax


def band_kwargs(value: float, band: Sequence[float]) -> dict[str, float]:
    """``p10``, ``p50``, ``p90`` for :func:`valse.report.record.metric`, or nothing.

    A P10–P90 that does not contain its central value is not recorded (DESIGN.md): this
    happens when a scenario puts a central value at the end of its range (the bear file's
    tranche probability), so that every draw lies on one side of it.
    """
    p10, p50, p90 = band
    return {"p10": p10, "p50": p50, "p90": p90} if p10 <= value <= p90 else {}


def break_even_gain_pct(p: Mapping[str, float], ai_spending_usd_bn: float) -> float:
    """Productivity gain per remaining corporate employee that repays ``ai_spending_usd_bn``.

    :func:`valse.model.labor_yardsticks.break_even_productivity_gain_pct` over the notebook's
    horizon and discount rate, for the staff left after the cuts [%].
    """
    return labor_yardsticks.break_even_productivity_gain_pct(
        ai_spending_usd_bn,
        p["corporate_employees"] - p["roles_cut"],
        p["cost_per_role_usd_k"],
        p["horizon_years"],
        p["discount_rate"],
    )


def plain_words_context(
    p: Mapping[str, Any],
    figures: Mapping[str, float],
    bands: Mapping[str, Sequence[float]],
    openai: Mapping[str, Any],
) -> dict[str, Any]:
    """The figures of the ``03_labor_costs/plain_words`` template, named as it reads them.

    ``p`` holds the notebook's parameters (the deal's core ones included, so that the one
    rule of :func:`valse.model.deal.reading` and :func:`valse.model.deal.case` decides the reading).
    ``openai`` is OpenAI's side (:func:`valse.report.openai_funding.story_context`); its
    2026 shares are passed on with an ``openai_`` prefix.
    """
    deal = create_deal(p)
    f = figures

    def band(name: str) -> dict[str, float] | None:
        p10, _, p90 = bands[name]
        return {"p10": p10, "p90": p90} if p10 <= f[name] <= p90 else None

    return {
        "reading": reading(deal),
        "reading_name": READING_NAMES[reading(deal)],
        "case": case(deal),
        "case_name": CASE_NAMES[case(deal)],
        "investment": p["amazon_investment_usd_bn"],
        "upfront": p["amazon_upfront_usd_bn"],
        "tranche": p["amazon_investment_usd_bn"] - p["amazon_upfront_usd_bn"],
        "tranche_probability": p["contingent_tranche_probability"],
        "expected": f["amazon_expected_investment_usd_bn"],
        "anthropic": p["anthropic_investment_2026_usd_bn"],
        "ai_capex": f["ai_capex_2026_usd_bn"],
        "ai_spending": f["ai_spending_2026_usd_bn"],
        "operating_cash": p["operating_cash_flow_2026_usd_bn"],
        "borrowing": p["borrowing_2026_usd_bn"],
        "reserves": f["su_2026_cash_reserves_usd_bn"],
        "customers_pct": f["ai_2026_operating_first_operating_cash_customers_pct"],
        "payroll_pct": f["payroll_share_of_ai_spending_2026_pct"],
        "payroll_pct_band": band("payroll_share_of_ai_spending_2026_pct"),
        "borrowing_pct": f["amazon_ai_spending_funded_by_borrowing_pct"],
        "borrowing_pct_band": band("amazon_ai_spending_funded_by_borrowing_pct"),
        "reserves_pct": f["amazon_ai_spending_funded_by_cash_reserves_pct"],
        "reserves_pct_band": band("amazon_ai_spending_funded_by_cash_reserves_pct"),
        "pro_rata_borrowing_pct": f["ai_2026_pro_rata_borrowing_pct"],
        "pro_rata_reserves_pct": f["ai_2026_pro_rata_cash_reserves_pct"],
        "ocf_first_2025_pct": f["ai_2025_operating_first_operating_cash_customers_pct"]
        + f["ai_2025_operating_first_operating_cash_payroll_savings_pct"],
        "added_to_cash_2025": f["su_2025_added_to_cash_usd_bn"],
        "payroll_2026": f["payroll_net_cash_savings_2026_usd_bn"],
        "payroll_2026_band": band("payroll_net_cash_savings_2026_usd_bn"),
        "severance_2026": f["payroll_severance_2026_usd_bn"],
        "cash_savings": f["payroll_cash_savings_usd_bn_per_year"],
        "cash_savings_band": band("payroll_cash_savings_usd_bn_per_year"),
        "rehire_share": p["rehire_share"],
        "share_ai_capex": f["payroll_share_of_ai_capex_2026_pct"],
        "share_ai_capex_band": band("payroll_share_of_ai_capex_2026_pct"),
        "share_aws": f["payroll_cash_savings_share_of_aws_operating_income_pct"],
        "years_expected": f["years_of_cash_savings_to_match_expected_investment"],
        "years_expected_band": band("years_of_cash_savings_to_match_expected_investment"),
        "years_upfront": f["years_of_cash_savings_to_match_upfront"],
        "years_fully_loaded": f["years_of_savings_to_match_investment"],
        "years_fully_loaded_band": band("years_of_savings_to_match_investment"),
        "roles_cut": p["roles_cut"],
        "remaining": p["corporate_employees"] - p["roles_cut"],
        "horizon_years": p["horizon_years"],
        "gain_pct": break_even_gain_pct(p, f["ai_capex_2026_usd_bn"]),
        "small_slice_pct": p["small_slice_pct"],
        "openai_customers_pct": openai["customers_pct"],
        "openai_customers_pct_band": openai["customers_pct_band"],
        "openai_suppliers_pct": openai["suppliers_pct"],
        "openai_suppliers_pct_band": openai["suppliers_pct_band"],
        "openai_financial_pct": openai["financial_pct"],
    }


#: The notebook parameters these functions read (its ``parameters`` cell declares them all):
#: a notebook builds its mapping with ``{name: globals()[name] for name in PARAMETERS}``.
PARAMETERS: tuple[str, ...] = tuple(
    dict.fromkeys(
        (
            *labor.COST_PARTS,
            "cost_per_role_usd_k",
            "roles_cut",
            "rehire_share",
            "notice_months",
            "severance_months",
            "amazon_operating_cash_flow_usd_bn",
            "amazon_capex_usd_bn",
            "anthropic_investment_2025_usd_bn",
            "buybacks_2025_usd_bn",
            "dividends_usd_bn",
            "debt_raised_usd_bn",
            "operating_cash_flow_2026_usd_bn",
            "capex_2026_usd_bn",
            "ai_share_of_capex",
            "anthropic_investment_2026_usd_bn",
            "buybacks_2026_usd_bn",
            "borrowing_2026_usd_bn",
            "aws_operating_income_usd_bn",
            *(f"{name}{end}" for name in amazon_cash.UNCERTAIN for end in ("", "_low", "_high")),
            *DEAL_FIELDS,
            "corporate_employees",
            "horizon_years",
            "small_slice_pct",
            "seed",
        )
    )
)
