"""What ``03_labor_costs`` shows of the cuts themselves: their cost, ramp, yardsticks and bands.

The report layer over :mod:`valse.model.labor`, :mod:`valse.model.labor_ramp` and
:mod:`valse.model.labor_yardsticks`: each section of the notebook is one call here returning
its table (a DataFrame), its chart (figure, axes) or its prose figures, so the notebook reads
as prose. ``p`` is always the notebook's parameters as a mapping (:data:`PARAMETERS`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from valse.model import labor, labor_ramp, uncertainty
from valse.model.valuation import expected_investment_usd_bn

PART_FACTS: list[str] = [
    "labor_salary_per_role_usd_k",
    "labor_stock_compensation_per_role_usd_k",
    "labor_benefits_per_role_usd_k",
    "labor_overhead_per_role_usd_k",
]


CUT_FACTS: list[str] = ["amazon_layoffs_2025_10_count", "amazon_layoffs_2026_01_count"]


COST_FACTS: list[str] = ["assumption_cost_per_role_usd_k", *PART_FACTS]


DEAL_FACTS: list[str] = ["amazon_openai_commitment_usd_bn", "amazon_openai_upfront_usd_bn"]


CAPEX_FACTS: list[str] = ["amazon_capex_2025_usd_bn", "labor_assumption_ai_share_of_capex"]


WAVES: list[str] = [
    "amazon_layoffs_2022_2023_count",
    "amazon_layoffs_2025_10_count",
    "amazon_layoffs_2026_01_count",
    "amazon_layoffs_plan_2025_10_count",
    "amazon_corporate_headcount_count",
    "amazon_total_headcount_count",
    "amazon_severance_q3_2025_usd_bn",
    "amazon_severance_q4_2025_usd_bn",
    "labor_amazon_notice_days_count",
    "jassy_memo_2025_06_17",
    "galetti_memo_2025_10_28",
    "jassy_cuts_culture_2025_10_30",
]


WAVE_IDS: dict[str, str] = {
    "late 2022 – early 2023": "amazon_layoffs_2022_2023_count",
    "28 Oct 2025": "amazon_layoffs_2025_10_count",
    "28 Jan 2026": "amazon_layoffs_2026_01_count",
}


READINGS: dict[str, tuple[str, str, str, str]] = {
    "rumour (Jan 2026)": (
        "rumour_amazon_investment_usd_bn",
        "rumour_amazon_investment_usd_bn",
        "rumour_aws_services_in_investment_usd_bn",
        "aws_openai_contract_2025_11_years",
    ),
    "reported (Feb–Mar 2026)": (
        "amazon_openai_commitment_usd_bn",
        "amazon_openai_upfront_usd_bn",
        "aws_openai_contract_expansion_usd_bn",
        "aws_openai_contract_expansion_years",
    ),
}


FUNDING_FACTS: list[str] = (
    CAPEX_FACTS
    + [
        "amazon_operating_cash_flow_2025_usd_bn",
        "aws_operating_income_2025_usd_bn",
        "amazon_operating_income_2025_usd_bn",
        "labor_amazon_bond_2025_11_usd_bn",
        "labor_assumption_amazon_equity_raised_2025_usd_bn",
    ]
    + CUT_FACTS
    + COST_FACTS
)


PART_LABELS: dict[str, str] = {
    "customers_aws_usd_bn": "customers: AWS",
    "customers_retail_usd_bn": "customers: retail and other",
    "payroll_savings_usd_bn": "payroll savings from the cuts (cash)",
    "debt_usd_bn": "debt (bonds)",
    "equity_usd_bn": "equity (shares sold)",
    "cash_reserves_usd_bn": "cash reserves",
}


COST_LABELS: dict[str, str] = {
    "salary_usd_k": "cash pay",
    "stock_compensation_usd_k": "stock compensation",
    "benefits_usd_k": "benefits and payroll taxes",
    "overhead_usd_k": "overhead",
}


def base_figures(p: Mapping[str, Any]) -> dict[str, Any]:
    """The figures every section uses: the cost parts scaled to the cost per role, a year of
    savings (fully loaded and cash), 2025 AI capex and the expected payment to OpenAI.

    The parts add up to ``cost_per_role_usd_k``; a scenario that changes the total alone keeps
    their proportions, and their ranges move with them.
    """
    central = {name: p[name] for name in labor.COST_PARTS}
    parts, scale = labor.rescaled_cost_parts_usd_k(central, p["cost_per_role_usd_k"])
    ranges = {
        name: (scale * p[f"{name}_low"], scale * p[f"{name}_high"]) for name in labor.COST_PARTS
    }
    cash_cost = labor.cash_cost_per_role_usd_k(
        p["cost_per_role_usd_k"], parts["stock_compensation_usd_k"]
    )
    return {
        "parts": parts,
        "scale": scale,
        "part_ranges": ranges,
        "savings": labor.layoff_savings_usd_bn_per_year(p["roles_cut"], p["cost_per_role_usd_k"]),
        "cash_savings": labor.layoff_savings_usd_bn_per_year(p["roles_cut"], cash_cost),
        "ai_capex": labor.ai_capex_usd_bn(p["amazon_capex_usd_bn"], p["ai_share_of_capex"]),
        "expected_investment": expected_investment_usd_bn(
            p["amazon_investment_usd_bn"],
            p["amazon_upfront_usd_bn"],
            p["contingent_tranche_probability"],
        ),
    }


def ramp_figures(p: Mapping[str, Any], base: Mapping[str, Any], facts) -> dict[str, Any]:
    """Savings over time: the ramp table, severance, net savings, payback and the check
    against Amazon's reported third-quarter charge (figures of ``03_labor_costs/ramp``)."""
    roles, cost, notice = p["roles_cut"], p["cost_per_role_usd_k"], p["notice_months"]
    months, horizon = p["severance_months"], p["horizon_years"]
    pay = base["parts"]["salary_usd_k"]
    by_year = labor_ramp.savings_by_year_usd_bn(roles, cost, notice, horizon)
    severance = labor_ramp.severance_cost_usd_bn(roles, pay, months)
    ramp = pd.DataFrame(
        {
            "year": np.arange(1, horizon + 1),
            "months saved": [
                labor_ramp.months_saved_in_year(t, notice) for t in range(1, horizon + 1)
            ],
            "savings (USD bn)": by_year,
        }
    )
    ramp["cumulative net of severance (USD bn)"] = ramp["savings (USD bn)"].cumsum() - severance
    october = facts.value("amazon_layoffs_2025_10_count")
    charge = facts.value("amazon_severance_q3_2025_usd_bn")
    return {
        "ramp": ramp,
        "severance": severance,
        "horizon_years": horizon,
        "saved": float(ramp["savings (USD bn)"].sum()),
        "net_horizon": labor_ramp.net_savings_over_horizon_usd_bn(
            roles, cost, notice, months, pay, horizon
        ),
        "net_horizon_pv": labor_ramp.net_savings_over_horizon_usd_bn(
            roles, cost, notice, months, pay, horizon, p["discount_rate"]
        ),
        "discount_rate": p["discount_rate"],
        "payback": labor_ramp.severance_payback_years(cost, notice, months, pay),
        "modelled_per_role": labor_ramp.one_off_cost_per_cut_role_usd_k(cost, notice, pay, months),
        "reported_per_role": labor_ramp.charge_per_role_usd_k(charge, october),
        "implied_months": labor_ramp.implied_severance_months(charge, october, cost),
    }


def two_readings_table(p: Mapping[str, Any], savings: float, facts) -> pd.DataFrame:
    """The rumour and the deal as reported side by side, from each reading's facts."""
    cost = p["cost_per_role_usd_k"]
    match = labor.years_of_savings_to_match
    return pd.DataFrame(
        {
            reading: {
                "commitment (USD bn)": facts.value(commit),
                "paid at signing (USD bn)": facts.value(upfront),
                "AWS spending tied to the deal, per year (USD bn)": facts.value(aws)
                / facts.value(years),
                "years of savings to match the commitment": labor.years_of_savings_to_match(
                    facts.value(commit), savings
                ),
                "years of savings to match the part paid at signing": match(
                    facts.value(upfront), savings
                ),
                "commitment in employee-years": labor.employee_years_of_amount(
                    facts.value(commit), cost
                ),
            }
            for reading, (commit, upfront, aws, years) in READINGS.items()
        }
    )


OTHERS: tuple[tuple[str, str | None, str], ...] = (
    (
        "Microsoft (cuts 2025; capex FY to June 2025)",
        "microsoft_layoffs_2025_count",
        "microsoft_capex_fy2025_usd_bn",
    ),
    (
        "Meta (cuts May 2026; capex 2026 guidance)",
        "meta_layoffs_2026_05_count",
        "meta_capex_2026_guidance_usd_bn",
    ),
    ("Alphabet (cuts not found; capex 2026 guidance)", None, "alphabet_capex_2026_guidance_usd_bn"),
)


OTHERS_FACTS: list[str] = (
    CUT_FACTS
    + ["amazon_capex_2025_usd_bn"]
    + [fid for _, cuts, capex in OTHERS for fid in (cuts, capex) if fid]
)


def other_employers(p: Mapping[str, Any], facts) -> list[tuple[str, Any, float, list[str]]]:
    """Rows of :func:`valse.model.labor_yardsticks.cuts_against_capex`, with their facts."""
    rows = [
        (
            "Amazon (cuts Oct 2025 + Jan 2026; capex 2025)",
            p["roles_cut"],
            p["amazon_capex_usd_bn"],
            CUT_FACTS + ["amazon_capex_2025_usd_bn"],
        )
    ]
    for label, cuts, capex in OTHERS:
        rows.append(
            (
                label,
                facts.value(cuts) if cuts else None,
                facts.value(capex),
                [fid for fid in (cuts, capex) if fid],
            )
        )
    return rows


def savings_bands(p: Mapping[str, Any], base: Mapping[str, Any]) -> dict[str, Any]:
    """Seeded draws of the cost parts (:func:`valse.model.uncertainty.monte_carlo`): the draws
    of a year's savings, the P10/P50/P90 of each figure, and the one-at-a-time tornado rows."""
    roles, n, seed = p["roles_cut"], p["draws"], p["seed"]
    investment, ai_capex = p["amazon_investment_usd_bn"], base["ai_capex"]
    mc_base = {"roles_cut": roles, **base["parts"]}
    ranges = base["part_ranges"]
    draws = uncertainty.monte_carlo(
        labor.savings_from_parts_usd_bn_per_year, mc_base, ranges, n=n, seed=seed
    )
    cash = uncertainty.monte_carlo(
        labor.cash_savings_from_parts_usd_bn_per_year, mc_base, ranges, n=n, seed=seed
    )
    costs = draws * 1e6 / roles if roles else np.full(n, p["cost_per_role_usd_k"])
    q = uncertainty.p10_p50_p90
    return {
        "draws": draws,
        "savings": q(draws),
        "cash_savings": q(cash),
        "years": q([labor.years_of_savings_to_match(investment, s) for s in draws]),
        "years_upfront": q(
            [labor.years_of_savings_to_match(p["amazon_upfront_usd_bn"], s) for s in draws]
        ),
        "share": q([labor.savings_share_of_ai_capex_pct(s, ai_capex) for s in draws]),
        "employee_years": q([labor.employee_years_of_amount(investment, c) for c in costs]),
        "tornado": uncertainty.one_at_a_time(
            labor.savings_from_parts_usd_bn_per_year, mc_base, ranges
        ),
    }


def tornado_table(bands: Mapping[str, Any]) -> pd.DataFrame:
    """The tornado's rows as a table (input, at low, at high, swing)."""
    return pd.DataFrame(
        bands["tornado"], columns=["input", "at low", "at high", "swing"]
    ).set_index("input")


def percentiles_table(bands: Mapping[str, Any]) -> pd.DataFrame:
    """P10, P50 and P90 of a year's savings."""
    b = bands["savings"]
    return pd.DataFrame(
        {"P10": b[0], "P50": b[1], "P90": b[2]}, index=["payroll saved (USD bn per year)"]
    )


def facts_used() -> list[str]:
    """Every fact the notebook's sections name, once each, in order of first use."""
    from valse.report import openai_funding, who_pays

    used = (
        WAVES
        + COST_FACTS
        + [
            "labor_amazon_stock_compensation_2025_usd_bn",
            "labor_assumption_severance_months",
            "amazon_capex_2026_guidance_usd_bn",
            "aws_openai_contract_expansion_usd_bn",
            "assumption_contingent_tranche_probability",
            "assumption_discount_rate",
        ]
        + [i for ids in READINGS.values() for i in ids]
        + DEAL_FACTS
        + FUNDING_FACTS
        + OTHERS_FACTS
        + list(who_pays.CASH_FACTS)
        + list(who_pays.PAYROLL_FACTS)
        + list(openai_funding.FACTS)
    )
    return list(dict.fromkeys(used))


def setup_context(p: Mapping[str, Any], base: Mapping[str, Any], facts) -> dict[str, Any]:
    """The figures of the template ``03_labor_costs/setup``."""
    return {
        "scenario": p["scenario_name"],
        "n_facts": len(facts),
        "facts_file": facts.path.name,
        "rescaled": abs(base["scale"] - 1) > 1e-9,
        "scale": base["scale"],
        "cost": p["cost_per_role_usd_k"],
    }


def _parameters() -> tuple[str, ...]:
    from valse.report import openai_funding, who_pays

    own = (
        "roles_cut",
        "cost_per_role_usd_k",
        *(f"{n}{end}" for n in labor.COST_PARTS for end in ("", "_low", "_high")),
        "amazon_capex_usd_bn",
        "ai_share_of_capex",
        "amazon_investment_usd_bn",
        "amazon_upfront_usd_bn",
        "contingent_tranche_probability",
        "notice_months",
        "severance_months",
        "horizon_years",
        "discount_rate",
        "aws_services_usd_bn",
        "contract_years",
        "aws_operating_income_usd_bn",
        "amazon_operating_income_usd_bn",
        "amazon_operating_cash_flow_usd_bn",
        "debt_raised_usd_bn",
        "equity_raised_usd_bn",
        "corporate_employees",
        "draws",
        "seed",
        "scenario_name",
    )
    return tuple(dict.fromkeys((*own, *who_pays.PARAMETERS, *openai_funding.PARAMS)))


#: The notebook parameters this module, :mod:`valse.report.who_pays` and
#: :mod:`valse.report.openai_funding` read (03's ``parameters`` cell declares them all): the
#: notebook builds its mapping with ``{name: globals()[name] for name in PARAMETERS}``.


PARAMETERS: tuple[str, ...] = _parameters()


def panel_inputs(
    p: Mapping[str, Any], base: Mapping[str, Any], cash: Mapping[str, float]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The two mappings of :func:`valse.report.explore_labor.labor_panel`: the sliders'
    starting values, and the fixed inputs (``cash`` is
    :func:`valse.model.who_pays_cash.who_pays_figures`)."""
    cost = p["cost_per_role_usd_k"]
    sliders = {
        "roles_cut": p["roles_cut"],
        "cost_per_role_usd_k": cost,
        "horizon_years": p["horizon_years"],
    }
    fixed = {
        "amazon_investment_usd_bn": p["amazon_investment_usd_bn"],
        "ai_capex_usd_bn": base["ai_capex"],
        "notice_months": p["notice_months"],
        "severance_months": p["severance_months"],
        "salary_share_of_cost": base["parts"]["salary_usd_k"] / cost,
        "corporate_employees": p["corporate_employees"],
        "discount_rate": p["discount_rate"],
        "cash_share_of_cost": cash["cash_cost_per_role_usd_k"] / cost,
        "rehire_share": p["rehire_share"],
        "expected_investment_usd_bn": cash["amazon_expected_investment_usd_bn"],
    }
    return sliders, fixed
