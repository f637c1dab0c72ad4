"""Payroll arithmetic: what a role costs, what the cuts save in a year, and comparisons.

Pure functions, one per identity. Amounts of money are in USD billions (``_usd_bn``) unless
their name says USD thousand (``_usd_k``, the unit of a yearly cost per role); shares are in
percent (``_pct``, 0–100) or fractions (0–1) as their names say; durations in months or
years as named.

The pieces:

* **cost of a role**: the fully loaded yearly cost is the sum of its parts (cash pay,
  stock compensation, benefits and payroll taxes, overhead),
  :func:`fully_loaded_cost_per_role_usd_k`; stock compensation is not cash, so the *cash*
  saved is smaller (:func:`cash_cost_per_role_usd_k`);
* **a year of savings**: roles × cost (:func:`layoff_savings_usd_bn_per_year`), from the parts
  (:func:`savings_from_parts_usd_bn_per_year`, :func:`cash_savings_from_parts_usd_bn_per_year`);
* **comparisons**: years of savings to match an amount (:func:`years_of_savings_to_match`),
  employee-years an amount would pay for (:func:`employee_years_of_amount`), savings as a share
  of AI capex (:func:`savings_share_of_ai_capex_pct`).

When the savings come (notice, severance, rehiring, calendar years) is
:mod:`valse.model.labor_ramp`; the 2025 funding decomposition, the break-even and the other
employers are :mod:`valse.model.labor_yardsticks`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

COST_PARTS: tuple[str, ...] = (
    "salary_usd_k",
    "stock_compensation_usd_k",
    "benefits_usd_k",
    "overhead_usd_k",
)


def check_non_negative(**values: float) -> None:
    """Refuse a value that is not a number, or is negative or NaN, naming it."""
    for name, value in values.items():
        if type(value) is float and value >= 0:  # the common case, without the checks below
            continue
        if isinstance(value, bool) or not isinstance(value, int | float | np.number):
            raise TypeError(f"{name}: expected a number, found {value!r}")
        if not value >= 0:  # also catches NaN
            raise ValueError(f"{name}: expected a non-negative number, found {value}")


def check_fraction(name: str, value: float) -> None:
    """Refuse a value outside [0, 1], naming it."""
    check_non_negative(**{name: value})
    if value > 1:
        raise ValueError(f"{name}: expected a value in [0, 1], found {value}")


# --- the cost of a role ------------------------------------------------------------------


def fully_loaded_cost_per_role_usd_k(
    salary_usd_k: float,
    stock_compensation_usd_k: float,
    benefits_usd_k: float,
    overhead_usd_k: float,
) -> float:
    """Fully loaded yearly cost of one role, from its parts.

    Parameters
    ----------
    salary_usd_k : float
        Cash pay: base salary and cash bonus [USD thousand per year].
    stock_compensation_usd_k : float
        Stock-based compensation expensed for the role [USD thousand per year]; not cash.
    benefits_usd_k : float
        Health and retirement benefits and employer payroll taxes [USD thousand per year].
    overhead_usd_k : float
        Office space, equipment, software and support attributable to the role
        [USD thousand per year].

    Returns
    -------
    float
        ``salary + stock_compensation + benefits + overhead`` [USD thousand per year]: the
        cost of a role as an employer's budget sees it ("fully loaded cost").
    """
    check_non_negative(
        salary_usd_k=salary_usd_k,
        stock_compensation_usd_k=stock_compensation_usd_k,
        benefits_usd_k=benefits_usd_k,
        overhead_usd_k=overhead_usd_k,
    )
    return salary_usd_k + stock_compensation_usd_k + benefits_usd_k + overhead_usd_k


def rescaled_cost_parts_usd_k(
    parts_usd_k: Mapping[str, float], cost_per_role_usd_k: float
) -> tuple[dict[str, float], float]:
    """Scale the parts of a role's cost so that they add up to a given fully loaded cost.

    Used when a scenario sets ``cost_per_role_usd_k`` without its parts: the parts keep
    their proportions.

    Parameters
    ----------
    parts_usd_k : mapping name -> float
        The parts [USD thousand per year]; non-negative, not all zero.
    cost_per_role_usd_k : float
        The fully loaded cost they must add up to [USD thousand per year].

    Returns
    -------
    (dict, float)
        The scaled parts, and the factor ``cost_per_role / Σ parts`` applied to each
        (1 when they already add up).
    """
    check_non_negative(cost_per_role_usd_k=cost_per_role_usd_k, **dict(parts_usd_k))
    total = float(sum(parts_usd_k.values()))
    if total == 0:
        raise ValueError(
            f"parts_usd_k: expected parts that are not all zero, found {dict(parts_usd_k)}"
        )
    factor = cost_per_role_usd_k / total
    return {k: v * factor for k, v in parts_usd_k.items()}, factor


def cash_cost_per_role_usd_k(cost_per_role_usd_k: float, stock_compensation_usd_k: float) -> float:
    """Part of the fully loaded cost of a role that is paid in cash.

    Returns
    -------
    float
        ``cost_per_role − stock_compensation`` [USD thousand per year]. Stock compensation
        is an expense but not a cash outflow (it dilutes shareholders instead), so cutting it
        frees no cash to spend on data centres.
    """
    check_non_negative(
        cost_per_role_usd_k=cost_per_role_usd_k, stock_compensation_usd_k=stock_compensation_usd_k
    )
    if stock_compensation_usd_k > cost_per_role_usd_k:
        raise ValueError(
            f"stock_compensation_usd_k: expected at most cost_per_role_usd_k "
            f"({cost_per_role_usd_k}), found {stock_compensation_usd_k}"
        )
    return cost_per_role_usd_k - stock_compensation_usd_k


# --- yearly savings, severance and the ramp ------------------------------------------------


def layoff_savings_usd_bn_per_year(roles_cut: float, cost_per_role_usd_k: float) -> float:
    """Yearly payroll saved by cutting roles, at a fully loaded cost per role.

    Parameters
    ----------
    roles_cut : float
        Number of roles cut [count].
    cost_per_role_usd_k : float
        Fully loaded yearly cost of one role [USD thousand].

    Returns
    -------
    float
        ``roles_cut × cost_per_role_usd_k / 1e6`` [USD bn per year]
        (thousand USD × roles = USD k; 1e6 USD k = 1 USD bn).
    """
    return roles_cut * cost_per_role_usd_k / 1e6


def savings_from_parts_usd_bn_per_year(
    roles_cut: float,
    salary_usd_k: float,
    stock_compensation_usd_k: float,
    benefits_usd_k: float,
    overhead_usd_k: float,
) -> float:
    """Yearly payroll saved, with the cost per role given by its parts.

    Returns
    -------
    float
        ``layoff_savings_usd_bn_per_year(roles_cut, fully_loaded_cost_per_role_usd_k(parts))``
        [USD bn per year]; the model of the Monte Carlo and the tornado chart.
    """
    cost = fully_loaded_cost_per_role_usd_k(
        salary_usd_k, stock_compensation_usd_k, benefits_usd_k, overhead_usd_k
    )
    return layoff_savings_usd_bn_per_year(roles_cut, cost)


def cash_savings_from_parts_usd_bn_per_year(
    roles_cut: float,
    salary_usd_k: float,
    stock_compensation_usd_k: float,
    benefits_usd_k: float,
    overhead_usd_k: float,
) -> float:
    """Yearly *cash* saved by cutting roles: the fully loaded cost without stock compensation.

    Returns
    -------
    float
        ``roles_cut × (salary + benefits + overhead) / 1e6`` [USD bn per year]; the stock
        compensation (an expense, not a cash outflow) is left out.
    """
    cost = fully_loaded_cost_per_role_usd_k(
        salary_usd_k, stock_compensation_usd_k, benefits_usd_k, overhead_usd_k
    )
    return layoff_savings_usd_bn_per_year(
        roles_cut, cash_cost_per_role_usd_k(cost, stock_compensation_usd_k)
    )


# --- comparisons -------------------------------------------------------------------------


def years_of_savings_to_match(amount_usd_bn: float, savings_usd_bn_per_year: float) -> float:
    """Years of savings needed to add up to an amount (undiscounted).

    Returns
    -------
    float
        ``amount / savings`` [years]; infinite when there are no savings.
    """
    if savings_usd_bn_per_year == 0:
        return float("inf")
    return amount_usd_bn / savings_usd_bn_per_year


def employee_years_of_amount(amount_usd_bn: float, cost_per_role_usd_k: float) -> float:
    """How many roles an amount would pay for one year (employee-years).

    Parameters
    ----------
    amount_usd_bn : float
        The amount [USD bn].
    cost_per_role_usd_k : float
        Fully loaded yearly cost of one role [USD thousand]; must be positive.

    Returns
    -------
    float
        ``amount × 1e6 / cost_per_role`` [employee-years] (1 USD bn = 1e6 USD k).
    """
    check_non_negative(amount_usd_bn=amount_usd_bn)
    if not cost_per_role_usd_k > 0:
        raise ValueError(
            f"cost_per_role_usd_k: expected a positive number, found {cost_per_role_usd_k}"
        )
    return amount_usd_bn * 1e6 / cost_per_role_usd_k


def ai_capex_usd_bn(capex_usd_bn: float, ai_share_of_capex: float) -> float:
    """Part of a company's capital expenditure that goes to AI.

    Returns
    -------
    float
        ``capex × ai_share_of_capex`` [USD bn]; companies do not split their capex, so the
        share is an assumption.
    """
    check_non_negative(capex_usd_bn=capex_usd_bn)
    check_fraction("ai_share_of_capex", ai_share_of_capex)
    return capex_usd_bn * ai_share_of_capex


def savings_share_of_ai_capex_pct(
    savings_usd_bn_per_year: float, ai_capex_usd_bn_per_year: float
) -> float:
    """Yearly payroll savings as a share of a year of AI capital expenditure.

    Returns
    -------
    float
        ``100 × savings / ai_capex`` [%]; in [0, 100] whenever the savings are at most the
        capex (above 100 otherwise). Infinite when capex is zero and savings are not.
    """
    check_non_negative(
        savings_usd_bn_per_year=savings_usd_bn_per_year,
        ai_capex_usd_bn_per_year=ai_capex_usd_bn_per_year,
    )
    if ai_capex_usd_bn_per_year == 0:
        return 0.0 if savings_usd_bn_per_year == 0 else math.inf
    return 100.0 * savings_usd_bn_per_year / ai_capex_usd_bn_per_year


def operating_income_share(segment_operating_income_usd_bn: float, total_usd_bn: float) -> float:
    """A segment's share of a company's operating income, as a fraction.

    Used to split operating cash flow between AWS and the rest of Amazon in proportion to
    operating income (a convention: segments do not report cash flows).

    Returns
    -------
    float
        ``segment / total`` [0–1], clipped to [0, 1] (a segment can earn more than the whole
        when other segments lose money).
    """
    check_non_negative(segment_operating_income_usd_bn=segment_operating_income_usd_bn)
    if not total_usd_bn > 0:
        raise ValueError(
            f"total_usd_bn: expected a positive operating income, found {total_usd_bn}"
        )
    return min(1.0, segment_operating_income_usd_bn / total_usd_bn)
