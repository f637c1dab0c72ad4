"""The figures of ``03_labor_costs``'s "who pays" sections from a notebook's parameters, and
their Monte Carlo bands.

Amazon's years of cash (:class:`~valse.model.amazon_cash.CashYear`) are built from the
notebook's parameters (its names), the payroll savings from the labour models
(:mod:`valse.model.labor`, :mod:`valse.model.labor_ramp`), and every figure from the
identities of :mod:`valse.model.amazon_cash`. Amounts in USD billions, shares in percent, as
the names say.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from valse.model.amazon_cash import (
    CashYear,
    ai_funding_shares_pct,
    ai_spending_usd_bn,
    openai_cash_usd_bn,
    sources_and_uses_usd_bn,
)

#: Parameters drawn by :func:`who_pays_bands` (each with ``_low`` and ``_high`` bounds).
UNCERTAIN: tuple[str, ...] = (
    "salary_usd_k",
    "stock_compensation_usd_k",
    "benefits_usd_k",
    "overhead_usd_k",
    "rehire_share",
    "severance_months",
    "contingent_tranche_probability",
    "operating_cash_flow_2026_usd_bn",
    "capex_2026_usd_bn",
    "ai_share_of_capex",
)


def cash_year_2025(p: Mapping[str, float], payroll_savings_usd_bn: float) -> CashYear:
    """Amazon's 2025 from the notebook's parameters (names of ``03_labor_costs``)."""
    return CashYear(
        year=2025,
        operating_cash_flow_usd_bn=p["amazon_operating_cash_flow_usd_bn"],
        payroll_savings_usd_bn=payroll_savings_usd_bn,
        capex_usd_bn=p["amazon_capex_usd_bn"],
        ai_share_of_capex=p["ai_share_of_capex"],
        openai_usd_bn=0.0,  # the deal was signed in 2026
        anthropic_usd_bn=p["anthropic_investment_2025_usd_bn"],
        buybacks_dividends_usd_bn=p["buybacks_2025_usd_bn"] + p["dividends_usd_bn"],
        borrowing_usd_bn=p["debt_raised_usd_bn"],
    )


def cash_year_2026(
    p: Mapping[str, float], payroll_savings_usd_bn: float, openai_usd_bn: float
) -> CashYear:
    """Amazon's 2026 from the notebook's parameters (names of ``03_labor_costs``)."""
    return CashYear(
        year=2026,
        operating_cash_flow_usd_bn=p["operating_cash_flow_2026_usd_bn"],
        payroll_savings_usd_bn=payroll_savings_usd_bn,
        capex_usd_bn=p["capex_2026_usd_bn"],
        ai_share_of_capex=p["ai_share_of_capex"],
        openai_usd_bn=openai_usd_bn,
        anthropic_usd_bn=p["anthropic_investment_2026_usd_bn"],
        buybacks_dividends_usd_bn=p["buybacks_2026_usd_bn"] + p["dividends_usd_bn"],
        borrowing_usd_bn=p["borrowing_2026_usd_bn"],
    )


def who_pays_figures(p: Mapping[str, float], waves: list[tuple[float, float]], *,
                     full: bool = True) -> dict[str, float]:
    """Every figure of the "who pays" sections, from the notebook's parameters.

    ``full=False`` leaves out what only the tables show (2025's AI funding and payroll
    savings, the sources and uses of both years, the pro rata convention), as the Monte Carlo
    of :func:`who_pays_bands` does: the same arithmetic for the figures that remain.

    Parameters
    ----------
    p : mapping
        The parameters of ``03_labor_costs`` (its names: ``roles_cut``, the cost parts,
        ``rehire_share``, the deal's amounts, ``operating_cash_flow_2026_usd_bn``, …).
    waves : list of (roles, announced)
        The sourced rounds of cuts (roles, decimal year of the announcement); rescaled to
        ``roles_cut`` (:func:`valse.model.labor_ramp.scaled_waves`).

    Returns
    -------
    dict
        Scalars [USD bn, years, %] named as the metrics they feed, plus the 2025 and 2026
        sources and uses (``su_2025_*``, ``su_2026_*``) and the 2026 AI funding under both
        conventions (``ai_2026_<method>_<part>_pct``).
    """
    from valse.model import labor, labor_ramp

    parts, _ = labor.rescaled_cost_parts_usd_k(
        {name: p[name] for name in labor.COST_PARTS}, p["cost_per_role_usd_k"]
    )
    cash_cost = labor.cash_cost_per_role_usd_k(
        p["cost_per_role_usd_k"], parts["stock_compensation_usd_k"]
    )
    fully_loaded = labor.layoff_savings_usd_bn_per_year(p["roles_cut"], p["cost_per_role_usd_k"])
    cash_year = labor_ramp.net_cash_savings_usd_bn_per_year(
        p["roles_cut"], cash_cost, p["rehire_share"]
    )
    rounds = labor_ramp.scaled_waves(waves, p["roles_cut"])
    in_year = {
        year: labor_ramp.cash_savings_in_year_usd_bn(
            rounds,
            year,
            cash_cost,
            p["notice_months"],
            parts["salary_usd_k"],
            p["severance_months"],
            p["rehire_share"],
        )
        for year in ((2025, 2026) if full else (2026,))
    }
    expected = openai_cash_usd_bn(
        p["amazon_investment_usd_bn"],
        p["amazon_upfront_usd_bn"],
        p["contingent_tranche_probability"],
    )
    y2025 = cash_year_2025(p, in_year[2025]["net_usd_bn"]) if full else None
    y2026 = cash_year_2026(p, in_year[2026]["net_usd_bn"], expected)
    ai_capex_2026 = p["capex_2026_usd_bn"] * p["ai_share_of_capex"]
    out = {
        "cash_cost_per_role_usd_k": cash_cost,
        "layoff_savings_usd_bn_per_year": fully_loaded,
        "payroll_cash_savings_usd_bn_per_year": cash_year,
        "payroll_gross_cash_savings_2026_usd_bn": in_year[2026]["gross_usd_bn"],
        "payroll_severance_2026_usd_bn": in_year[2026]["severance_usd_bn"],
        "payroll_net_cash_savings_2026_usd_bn": in_year[2026]["net_usd_bn"],
        **({"payroll_net_cash_savings_2025_usd_bn": in_year[2025]["net_usd_bn"]} if full else {}),
        "amazon_expected_investment_usd_bn": expected,
        "years_of_savings_to_match_investment": labor.years_of_savings_to_match(
            p["amazon_investment_usd_bn"], fully_loaded
        ),
        "years_of_cash_savings_to_match_expected_investment": labor.years_of_savings_to_match(
            expected, cash_year
        ),
        "years_of_cash_savings_to_match_upfront": labor.years_of_savings_to_match(
            p["amazon_upfront_usd_bn"], cash_year
        ),
        "ai_capex_2026_usd_bn": ai_capex_2026,
        "ai_spending_2026_usd_bn": ai_spending_usd_bn(y2026),
        **({"ai_spending_2025_usd_bn": ai_spending_usd_bn(y2025)} if full else {}),
        "payroll_share_of_ai_capex_2026_pct": labor.savings_share_of_ai_capex_pct(
            cash_year, ai_capex_2026
        ),
        "payroll_cash_savings_share_of_aws_operating_income_pct": 100.0
        * cash_year
        / p["aws_operating_income_usd_bn"],
    }
    for label, year in (("2025", y2025), ("2026", y2026)) if full else (("2026", y2026),):
        if full:
            su = sources_and_uses_usd_bn(year)
            for side in ("uses", "sources"):
                for key, value in su[side].items():
                    out[f"su_{label}_{key}"] = value
            out[f"su_{label}_total_usd_bn"] = sum(su["uses"].values())
        for method in ("operating_first", "pro_rata") if full else ("operating_first",):
            for key, value in ai_funding_shares_pct(year, method).items():
                out[f"ai_{label}_{method}_{key.removesuffix('_usd_bn')}_pct"] = value
    out["amazon_ai_spending_funded_by_borrowing_pct"] = out["ai_2026_operating_first_borrowing_pct"]
    out["amazon_ai_spending_funded_by_cash_reserves_pct"] = out[
        "ai_2026_operating_first_cash_reserves_pct"
    ]
    out["payroll_share_of_ai_spending_2026_pct"] = out[
        "ai_2026_operating_first_operating_cash_payroll_savings_pct"
    ]
    return out


def who_pays_bands(
    p: Mapping[str, float],
    waves: list[tuple[float, float]],
    names: tuple[str, ...],
    n: int,
    seed: int,
) -> dict[str, tuple[float, float, float]]:
    """P10, P50 and P90 of figures of :func:`who_pays_figures` over the uncertain inputs.

    Each input of :data:`UNCERTAIN` is drawn from a triangular law on
    ``[p[name + "_low"], p[name + "_high"]]`` peaking at ``p[name]`` (scaled, for the cost
    parts, as the central parts are to add up to ``cost_per_role_usd_k``), independently,
    in sorted order from one generator seeded with ``seed``, as
    :func:`valse.model.uncertainty.monte_carlo` does; every figure is computed from the same
    draws.

    Returns
    -------
    dict
        name → (P10, P50, P90) for each of ``names``.
    """
    from valse.model import labor, uncertainty

    _, scale = labor.rescaled_cost_parts_usd_k(
        {name: p[name] for name in labor.COST_PARTS}, p["cost_per_role_usd_k"]
    )
    gen = uncertainty.rng(seed)
    draws = {}
    for name in sorted(UNCERTAIN):
        factor = scale if name in labor.COST_PARTS else 1.0
        low, mode, high = (factor * p[f"{name}{s}"] for s in ("_low", "", "_high"))
        if not low <= mode <= high:
            raise ValueError(
                f"{name}: expected {name}_low <= {name} <= {name}_high, found "
                f"{p[name + '_low']}, {p[name]}, {p[name + '_high']}"
            )
        draws[name] = uncertainty.triangular(gen, low, mode, high, n)
    values: dict[str, list[float]] = {name: [] for name in names}
    # the table-only figures are left out of the draws unless a band is asked of one
    full = not set(names) <= set(who_pays_figures(p, waves, full=False))
    for i in range(n):
        q = dict(p)
        for name, column in draws.items():
            q[name] = float(column[i])
        q["cost_per_role_usd_k"] = sum(q[name] for name in labor.COST_PARTS)
        q["contingent_tranche_probability"] = min(1.0, q["contingent_tranche_probability"])
        figures = who_pays_figures(q, waves, full=full)
        for name in names:
            values[name].append(figures[name])
    return {name: uncertainty.p10_p50_p90(np.array(v)) for name, v in values.items()}
