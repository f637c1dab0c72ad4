"""What ``03_labor_costs`` shows of who pays: the facts, the metrics and the prose figures.

The report layer over :mod:`valse.model.who_pays_cash` and :mod:`valse.model.labor`: the notebook
calls these functions in one line each, and the narrative test builds the same figures for
every scenario without a kernel (:func:`plain_words_context`). The tables and the chart of the
sources and uses are :mod:`valse.report.who_pays_tables`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from valse.model import labor, labor_ramp, labor_yardsticks, who_pays_cash
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

#: The metrics recorded from :func:`valse.model.who_pays_cash.who_pays_figures`: name → (unit,
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
            *(f"{name}{end}" for name in who_pays_cash.UNCERTAIN for end in ("", "_low", "_high")),
            *DEAL_FIELDS,
            "corporate_employees",
            "horizon_years",
            "small_slice_pct",
            "seed",
        )
    )
)
