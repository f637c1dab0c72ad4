"""The headline metrics of ``03_labor_costs`` on the cuts (the first edition's names, kept).

The cash basis of #18 is recorded from :data:`valse.report.who_pays.METRICS`, OpenAI's side from
:data:`valse.report.openai_funding.METRICS`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from valse.model import labor
from valse.report.labor_report import (
    CAPEX_FACTS,
    COST_FACTS,
    CUT_FACTS,
    DEAL_FACTS,
    FUNDING_FACTS,
    PART_LABELS,
)


def _band(b) -> dict[str, float]:
    return {"p10": b[0], "p50": b[1], "p90": b[2]}


def metric_records(
    p: Mapping[str, Any],
    base: Mapping[str, Any],
    ramp: Mapping[str, Any],
    bands: Mapping[str, Any],
    funding: pd.DataFrame,
    gain_capex: float,
) -> list[dict[str, Any]]:
    """Keyword arguments of :func:`valse.report.record.metric` for the cuts' headline figures
    (the first edition's metrics, names kept; the cash basis is in
    :data:`valse.report.who_pays.METRICS`)."""
    core = ["roles_cut", "cost_per_role_usd_k"]
    savings, ai_capex = base["savings"], base["ai_capex"]
    investment, upfront = p["amazon_investment_usd_bn"], p["amazon_upfront_usd_bn"]
    horizon = p["horizon_years"]
    cuts_costs = CUT_FACTS + COST_FACTS
    return [
        dict(
            name="layoff_savings_usd_bn_per_year",
            value=savings,
            unit="USD bn per year",
            label="Payroll Amazon saves in a full year with the corporate cuts (roles × fully "
            "loaded cost)",
            sources=cuts_costs,
            params=core,
            **_band(bands["savings"]),
        ),
        dict(
            name="cash_layoff_savings_usd_bn_per_year",
            value=base["cash_savings"],
            unit="USD bn per year",
            label="Cash part of those savings (stock compensation left out)",
            sources=cuts_costs,
            params=core + ["stock_compensation_usd_k"],
            **_band(bands["cash_savings"]),
        ),
        dict(
            name="years_of_savings_to_match_investment",
            value=labor.years_of_savings_to_match(investment, savings),
            unit="years",
            label="Fully loaded sensitivity: years of the cuts' full savings (stock "
            "compensation and overheads included) to add up to the headline commitment",
            sources=cuts_costs + DEAL_FACTS[:1],
            params=core + ["amazon_investment_usd_bn"],
            **_band(bands["years"]),
        ),
        dict(
            name="years_of_savings_to_match_upfront",
            value=labor.years_of_savings_to_match(upfront, savings),
            unit="years",
            label="Years of the cuts' full savings needed to add up to the part of the "
            "commitment paid at signing",
            sources=cuts_costs + DEAL_FACTS,
            params=core + ["amazon_upfront_usd_bn"],
            **_band(bands["years_upfront"]),
        ),
        dict(
            name="savings_share_of_ai_capex_pct",
            value=labor.savings_share_of_ai_capex_pct(savings, ai_capex),
            unit="%",
            label="A full year of the cuts' savings as a share of Amazon's 2025 AI capex",
            sources=cuts_costs + CAPEX_FACTS,
            params=core + ["amazon_capex_usd_bn", "ai_share_of_capex"],
            **_band(bands["share"]),
        ),
        dict(
            name="investment_in_employee_years",
            value=labor.employee_years_of_amount(investment, p["cost_per_role_usd_k"]),
            unit="employee-years",
            label="How many corporate roles Amazon's commitment to OpenAI would pay for one year",
            sources=COST_FACTS + DEAL_FACTS[:1],
            params=["amazon_investment_usd_bn", "cost_per_role_usd_k"],
            **_band(bands["employee_years"]),
        ),
        dict(
            name="severance_cost_usd_bn",
            value=ramp["severance"],
            unit="USD bn",
            label="One-off severance for the roles cut (model)",
            sources=CUT_FACTS
            + ["labor_assumption_severance_months", "labor_salary_per_role_usd_k"],
            params=["roles_cut", "salary_usd_k", "severance_months"],
        ),
        dict(
            name="net_savings_over_horizon_usd_bn",
            value=ramp["net_horizon"],
            unit="USD bn",
            label=f"Payroll saved over {horizon} years after notice and severance (undiscounted)",
            sources=cuts_costs
            + ["labor_amazon_notice_days_count", "labor_assumption_severance_months"],
            params=core + ["notice_months", "severance_months", "horizon_years"],
        ),
        dict(
            name="payroll_share_of_ai_funding_pct",
            value=funding.loc[PART_LABELS["payroll_savings_usd_bn"], "pro rata (%)"],
            unit="%",
            label="Share of a year of AI capex 'paid' by the cuts' cash savings, 2025, pro "
            "rata (the first edition's view)",
            sources=FUNDING_FACTS,
            params=core
            + [
                "amazon_capex_usd_bn",
                "ai_share_of_capex",
                "amazon_operating_cash_flow_usd_bn",
                "debt_raised_usd_bn",
            ],
        ),
        dict(
            name="savings_share_of_aws_operating_income_pct",
            value=100 * savings / p["aws_operating_income_usd_bn"],
            unit="%",
            label="A full year of the cuts' savings as a share of AWS's 2025 operating income",
            sources=cuts_costs + ["aws_operating_income_2025_usd_bn"],
            params=core + ["aws_operating_income_usd_bn"],
        ),
        dict(
            name="break_even_productivity_gain_pct",
            value=gain_capex,
            unit="%",
            label="Productivity gain per remaining corporate employee that repays a year of AI "
            f"capex over {horizon} years",
            sources=["amazon_corporate_headcount_count", "assumption_discount_rate"]
            + cuts_costs
            + CAPEX_FACTS,
            params=core
            + [
                "corporate_employees",
                "horizon_years",
                "discount_rate",
                "amazon_capex_usd_bn",
                "ai_share_of_capex",
            ],
        ),
    ]
