"""Payroll arithmetic: savings from job cuts set against amounts invested.

Pure functions, one per identity. Amounts of money are in USD billions (``_usd_bn``) unless
their name says USD thousand (``_usd_k``, the unit of a yearly cost per role); shares are in
percent (``_pct``, 0–100) or fractions (0–1) as their names say; durations in months or
years as named.

The pieces:

* **cost of a role**: the fully loaded yearly cost is the sum of its parts (cash pay,
  stock compensation, benefits and payroll taxes, overhead),
  :func:`fully_loaded_cost_per_role_usd_k`; stock compensation is not cash, so the *cash*
  saved is smaller (:func:`cash_cost_per_role_usd_k`);
* **savings over time**: nothing is saved while people are paid through their notice period
  (:func:`months_saved_in_year`, :func:`savings_by_year_usd_bn`), and severance is a one-off
  cost (:func:`severance_cost_usd_bn`), so the net savings over a horizon
  (:func:`net_savings_over_horizon_usd_bn`) are below ``horizon × yearly savings``;
* **comparisons**: years of savings to match an amount (:func:`years_of_savings_to_match`),
  employee-years an amount would pay for (:func:`employee_years_of_amount`), savings as a share
  of AI capex (:func:`savings_share_of_ai_capex_pct`);
* **funding sources**: a year of AI spending set against operating cash flow (AWS and retail
  customers), payroll savings and external money (:func:`funding_decomposition_usd_bn`).
  Money is fungible: this is an order-of-magnitude comparison, not an allocation;
* **break-even**: the productivity gain per remaining employee, or the number of roles, whose
  value over a horizon equals an AI spending (:func:`break_even_productivity_gain_pct`,
  :func:`break_even_roles`).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from typing import Literal

import numpy as np

#: Parts of the fully loaded cost of a role, in the order they are added up.
COST_PARTS: tuple[str, ...] = (
    "salary_usd_k",
    "stock_compensation_usd_k",
    "benefits_usd_k",
    "overhead_usd_k",
)

#: Rows of :func:`funding_decomposition_usd_bn`, in the order they are stacked.
FUNDING_PARTS: tuple[str, ...] = (
    "customers_aws_usd_bn",
    "customers_retail_usd_bn",
    "payroll_savings_usd_bn",
    "debt_usd_bn",
    "equity_usd_bn",
    "cash_reserves_usd_bn",
)


def _non_negative(**values: float) -> None:
    for name, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int | float | np.number):
            raise TypeError(f"{name}: expected a number, found {value!r}")
        if not value >= 0:  # also catches NaN
            raise ValueError(f"{name}: expected a non-negative number, found {value}")


def _fraction(name: str, value: float) -> None:
    _non_negative(**{name: value})
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
    _non_negative(
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
    _non_negative(cost_per_role_usd_k=cost_per_role_usd_k, **dict(parts_usd_k))
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
    _non_negative(
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


def severance_cost_usd_bn(roles_cut: float, pay_usd_k: float, severance_months: float) -> float:
    """One-off severance paid to the people whose roles are cut.

    Parameters
    ----------
    roles_cut : float
        Number of roles cut [count].
    pay_usd_k : float
        Yearly pay severance is computed on, usually the cash salary [USD thousand].
    severance_months : float
        Months of that pay paid as severance [months].

    Returns
    -------
    float
        ``roles_cut × pay × severance_months / 12 / 1e6`` [USD bn], paid once.
    """
    _non_negative(roles_cut=roles_cut, pay_usd_k=pay_usd_k, severance_months=severance_months)
    return roles_cut * pay_usd_k * severance_months / 12.0 / 1e6


def one_off_cost_per_cut_role_usd_k(
    cost_per_role_usd_k: float, notice_months: float, pay_usd_k: float, severance_months: float
) -> float:
    """One-off cost of cutting one role: full pay during the notice, then severance.

    Parameters
    ----------
    cost_per_role_usd_k : float
        Fully loaded yearly cost of the role, still paid during the notice [USD thousand].
    notice_months : float
        Months of notice before the role stops costing anything [months].
    pay_usd_k : float
        Yearly pay on which severance is computed [USD thousand].
    severance_months : float
        Months of that pay given as severance [months].

    Returns
    -------
    float
        ``cost × notice / 12 + pay × severance / 12`` [USD thousand per role].
    """
    _non_negative(
        cost_per_role_usd_k=cost_per_role_usd_k,
        notice_months=notice_months,
        pay_usd_k=pay_usd_k,
        severance_months=severance_months,
    )
    return cost_per_role_usd_k * notice_months / 12.0 + pay_usd_k * severance_months / 12.0


def charge_per_role_usd_k(charge_usd_bn: float, roles_cut: float) -> float:
    """A reported restructuring charge spread over the roles it covers.

    Returns
    -------
    float
        ``charge × 1e6 / roles`` [USD thousand per role] (1 USD bn = 1e6 USD thousand).
    """
    if roles_cut <= 0:
        raise ValueError(f"roles_cut: expected a positive count, found {roles_cut}")
    return charge_usd_bn * 1e6 / roles_cut


def implied_severance_months(severance_usd_bn: float, roles_cut: float, pay_usd_k: float) -> float:
    """Months of pay per role that a reported severance charge amounts to.

    The inverse of :func:`severance_cost_usd_bn`, used to check an assumption against a
    company's reported charge.

    Returns
    -------
    float
        ``12 × severance × 1e6 / (roles_cut × pay)`` [months].
    """
    _non_negative(severance_usd_bn=severance_usd_bn, roles_cut=roles_cut, pay_usd_k=pay_usd_k)
    if roles_cut == 0 or pay_usd_k == 0:
        raise ValueError(
            f"roles_cut and pay_usd_k: expected positive numbers, found {roles_cut}, {pay_usd_k}"
        )
    return 12.0 * severance_usd_bn * 1e6 / (roles_cut * pay_usd_k)


def months_saved_in_year(year: int, notice_months: float) -> float:
    """Months of year ``year`` during which a cut role no longer costs anything.

    The cut is announced at the start of year 1; people are paid in full through a notice
    (or paid non-working) period of ``notice_months``; savings start when it ends.

    Parameters
    ----------
    year : int
        Year counted from the announcement, 1 for the first twelve months.
    notice_months : float
        Months of full pay after the announcement [months].

    Returns
    -------
    float
        ``clip(12 × year − notice_months, 0, 12)`` [months].
    """
    if isinstance(year, bool) or not isinstance(year, int | np.integer) or year < 1:
        raise ValueError(f"year: expected an integer >= 1, found {year!r}")
    _non_negative(notice_months=notice_months)
    return float(min(12.0, max(0.0, 12.0 * year - notice_months)))


def savings_by_year_usd_bn(
    roles_cut: float, cost_per_role_usd_k: float, notice_months: float, horizon_years: int
) -> np.ndarray:
    """Payroll saved in each year after the announcement, with the notice-period ramp.

    Returns
    -------
    numpy.ndarray
        ``horizon_years`` values: ``layoff_savings_usd_bn_per_year × months_saved_in_year / 12``
        for years 1 … horizon [USD bn per year]. The full yearly savings are reached once
        the notice period is over.
    """
    if isinstance(horizon_years, bool) or not isinstance(horizon_years, int | np.integer):
        raise TypeError(f"horizon_years: expected an integer, found {horizon_years!r}")
    if horizon_years < 1:
        raise ValueError(f"horizon_years: expected an integer >= 1, found {horizon_years}")
    _non_negative(roles_cut=roles_cut, cost_per_role_usd_k=cost_per_role_usd_k)
    full = layoff_savings_usd_bn_per_year(roles_cut, cost_per_role_usd_k)
    return np.array(
        [full * months_saved_in_year(t, notice_months) / 12.0 for t in range(1, horizon_years + 1)]
    )


def net_savings_over_horizon_usd_bn(
    roles_cut: float,
    cost_per_role_usd_k: float,
    notice_months: float,
    severance_months: float,
    severance_pay_usd_k: float,
    horizon_years: int,
    discount_rate: float = 0.0,
) -> float:
    """Payroll saved over a horizon, net of severance, optionally discounted.

    Parameters
    ----------
    roles_cut, cost_per_role_usd_k : float
        As in :func:`layoff_savings_usd_bn_per_year`.
    notice_months : float
        Months of full pay before savings start [months].
    severance_months, severance_pay_usd_k : float
        As in :func:`severance_cost_usd_bn`.
    horizon_years : int
        Years counted from the announcement [years].
    discount_rate : float
        Annual discount rate [0–1]; 0 for an undiscounted sum.

    Returns
    -------
    float
        ``Σ_t savings_t / (1 + r)^t − severance`` for t = 1 … horizon [USD bn]: savings of
        each year discounted from its end, severance paid at the start (not discounted).
    """
    _fraction("discount_rate", discount_rate)
    savings = savings_by_year_usd_bn(roles_cut, cost_per_role_usd_k, notice_months, horizon_years)
    factors = (1.0 + discount_rate) ** -np.arange(1, horizon_years + 1)
    severance = severance_cost_usd_bn(roles_cut, severance_pay_usd_k, severance_months)
    return float(np.sum(savings * factors) - severance)


def severance_payback_years(
    cost_per_role_usd_k: float,
    notice_months: float,
    severance_months: float,
    severance_pay_usd_k: float,
) -> float:
    """Time after the announcement at which undiscounted savings have repaid the severance.

    Returns
    -------
    float
        ``(notice_months + 12 × severance_per_role / cost_per_role) / 12`` [years]: the notice
        period, then the months of full savings needed to earn back the severance. It does
        not depend on the number of roles.
    """
    _non_negative(
        cost_per_role_usd_k=cost_per_role_usd_k,
        notice_months=notice_months,
        severance_months=severance_months,
        severance_pay_usd_k=severance_pay_usd_k,
    )
    if cost_per_role_usd_k == 0:
        return math.inf
    months_to_repay = severance_pay_usd_k * severance_months / cost_per_role_usd_k
    return (notice_months + months_to_repay) / 12.0


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
    _non_negative(amount_usd_bn=amount_usd_bn)
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
    _non_negative(capex_usd_bn=capex_usd_bn)
    _fraction("ai_share_of_capex", ai_share_of_capex)
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
    _non_negative(
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
    _non_negative(segment_operating_income_usd_bn=segment_operating_income_usd_bn)
    if not total_usd_bn > 0:
        raise ValueError(
            f"total_usd_bn: expected a positive operating income, found {total_usd_bn}"
        )
    return min(1.0, segment_operating_income_usd_bn / total_usd_bn)


# --- funding sources -----------------------------------------------------------------------


def funding_decomposition_usd_bn(
    ai_spending_usd_bn: float,
    operating_cash_flow_usd_bn: float,
    aws_share_of_operating_cash_flow: float,
    payroll_savings_usd_bn: float,
    debt_raised_usd_bn: float,
    equity_raised_usd_bn: float,
    method: Literal["pro_rata", "internal_first"] = "pro_rata",
) -> dict[str, float]:
    """Split a year of AI spending across the money that came in that year.

    The sources are the year's operating cash flow (which contains the payroll savings: cash
    not paid to the people whose roles were cut; the rest comes from customers, split between
    AWS and retail and other in proportion ``aws_share_of_operating_cash_flow``), and the
    external money raised (debt, equity). What the sources do not cover is drawn from cash
    reserves.

    Money is fungible: no dollar is earmarked, so any split is a convention. Two are offered:

    * ``"pro_rata"``: each source pays the same fraction of its amount, ``min(1, spending /
      Σ sources)``;
    * ``"internal_first"``: operating cash flow pays first (its parts pro rata), then debt,
      then equity.

    Either way the result is an order-of-magnitude comparison, not an allocation.

    Parameters
    ----------
    ai_spending_usd_bn : float
        AI spending of the year to finance [USD bn].
    operating_cash_flow_usd_bn : float
        Cash provided by operating activities in the year [USD bn].
    aws_share_of_operating_cash_flow : float
        Share of the customer part of operating cash flow attributed to AWS [0–1].
    payroll_savings_usd_bn : float
        Cash payroll savings inside that operating cash flow [USD bn]; at most the operating
        cash flow.
    debt_raised_usd_bn, equity_raised_usd_bn : float
        External money raised in the year [USD bn].
    method : {"pro_rata", "internal_first"}
        The convention (above).

    Returns
    -------
    dict
        The parts named in :data:`FUNDING_PARTS` [USD bn]. They add up to
        ``ai_spending_usd_bn``; each is non-negative.
    """
    _non_negative(
        ai_spending_usd_bn=ai_spending_usd_bn,
        operating_cash_flow_usd_bn=operating_cash_flow_usd_bn,
        payroll_savings_usd_bn=payroll_savings_usd_bn,
        debt_raised_usd_bn=debt_raised_usd_bn,
        equity_raised_usd_bn=equity_raised_usd_bn,
    )
    _fraction("aws_share_of_operating_cash_flow", aws_share_of_operating_cash_flow)
    if payroll_savings_usd_bn > operating_cash_flow_usd_bn:
        raise ValueError(
            "payroll_savings_usd_bn: expected at most operating_cash_flow_usd_bn "
            f"({operating_cash_flow_usd_bn}), found {payroll_savings_usd_bn}"
        )
    customers = operating_cash_flow_usd_bn - payroll_savings_usd_bn
    internal = {
        "customers_aws_usd_bn": customers * aws_share_of_operating_cash_flow,
        "customers_retail_usd_bn": customers * (1.0 - aws_share_of_operating_cash_flow),
        "payroll_savings_usd_bn": payroll_savings_usd_bn,
    }
    external = {"debt_usd_bn": debt_raised_usd_bn, "equity_usd_bn": equity_raised_usd_bn}
    parts: dict[str, float] = {}
    if method == "pro_rata":
        total = operating_cash_flow_usd_bn + debt_raised_usd_bn + equity_raised_usd_bn
        used = min(1.0, ai_spending_usd_bn / total) if total > 0 else 0.0
        parts = {k: v * used for k, v in {**internal, **external}.items()}
    elif method == "internal_first":
        left = ai_spending_usd_bn
        ocf_used = min(1.0, left / operating_cash_flow_usd_bn) if operating_cash_flow_usd_bn else 0
        parts = {k: v * ocf_used for k, v in internal.items()}
        left = max(0.0, left - operating_cash_flow_usd_bn)
        for name, amount in external.items():
            parts[name] = min(amount, left)
            left -= parts[name]
    else:
        raise ValueError(f"method: expected 'pro_rata' or 'internal_first', found {method!r}")
    parts["cash_reserves_usd_bn"] = max(0.0, ai_spending_usd_bn - sum(parts.values()))
    # the parts add up to the spending by construction; remove rounding dust on the largest
    gap = ai_spending_usd_bn - sum(parts.values())
    if gap:
        largest = max(parts, key=parts.__getitem__)
        parts[largest] = max(0.0, parts[largest] + gap)
    return {name: parts[name] for name in FUNDING_PARTS}


def funding_shares_pct(parts_usd_bn: Mapping[str, float]) -> dict[str, float]:
    """Each part of a funding decomposition as a share of the whole.

    Returns
    -------
    dict
        ``100 × part / Σ parts`` for each part [%, 0–100; they add up to 100]; all zero when
        the whole is zero.
    """
    total = float(sum(parts_usd_bn.values()))
    if any(v < 0 for v in parts_usd_bn.values()):
        raise ValueError(f"parts_usd_bn: expected non-negative parts, found {dict(parts_usd_bn)}")
    if total == 0:
        return {k: 0.0 for k in parts_usd_bn}
    return {k: 100.0 * v / total for k, v in parts_usd_bn.items()}


# --- break-even --------------------------------------------------------------------------


def annuity_factor(discount_rate: float, years: float) -> float:
    """Present value of 1 a year paid at the end of each of ``years`` years.

    Returns
    -------
    float
        ``(1 − (1 + r)^−n) / r``, and ``n`` when ``r = 0`` [years] (the standard annuity
        formula; e.g. Brealey, Myers & Allen, *Principles of Corporate Finance*, ch. 2).
    """
    _fraction("discount_rate", discount_rate)
    _non_negative(years=years)
    if discount_rate == 0:
        return float(years)
    # 1 − (1 + r)^−n written with expm1/log1p, exact for rates close to zero
    return -math.expm1(-years * math.log1p(discount_rate)) / discount_rate


def break_even_productivity_gain_pct(
    ai_spending_usd_bn: float,
    remaining_employees: float,
    cost_per_role_usd_k: float,
    horizon_years: float,
    discount_rate: float = 0.0,
) -> float:
    """Productivity gain per remaining employee at which AI spending pays for itself.

    A gain ``g`` lets each remaining employee do ``1 + g`` times the work, valued at the cost
    of that work (its fully loaded cost): the spending is repaid when the value of the gain
    over the horizon equals it.

    Parameters
    ----------
    ai_spending_usd_bn : float
        AI spending to repay, paid now [USD bn].
    remaining_employees : float
        Employees whose productivity rises [count]; must be positive.
    cost_per_role_usd_k : float
        Fully loaded yearly cost of one role [USD thousand]; must be positive.
    horizon_years : float
        Years over which the gain must repay the spending [years].
    discount_rate : float
        Annual discount rate [0–1].

    Returns
    -------
    float
        ``100 × spending / (remaining × cost / 1e6 × annuity_factor(r, horizon))`` [%].
    """
    _non_negative(ai_spending_usd_bn=ai_spending_usd_bn)
    for name, value in (
        ("remaining_employees", remaining_employees),
        ("cost_per_role_usd_k", cost_per_role_usd_k),
        ("horizon_years", horizon_years),
    ):
        if not value > 0:
            raise ValueError(f"{name}: expected a positive number, found {value}")
    payroll = layoff_savings_usd_bn_per_year(remaining_employees, cost_per_role_usd_k)
    return 100.0 * ai_spending_usd_bn / (payroll * annuity_factor(discount_rate, horizon_years))


def break_even_roles(
    ai_spending_usd_bn: float,
    cost_per_role_usd_k: float,
    horizon_years: float,
    discount_rate: float = 0.0,
) -> float:
    """Roles whose cost over a horizon equals an AI spending.

    Returns
    -------
    float
        ``spending × 1e6 / (cost_per_role × annuity_factor(r, horizon))`` [roles]: the
        number of roles that AI would have to replace, for the whole horizon, to repay the
        spending. With ``r = 0`` and a one-year horizon it equals
        :func:`employee_years_of_amount`.
    """
    _non_negative(ai_spending_usd_bn=ai_spending_usd_bn)
    if not cost_per_role_usd_k > 0:
        raise ValueError(
            f"cost_per_role_usd_k: expected a positive number, found {cost_per_role_usd_k}"
        )
    if not horizon_years > 0:
        raise ValueError(f"horizon_years: expected a positive number, found {horizon_years}")
    return (
        ai_spending_usd_bn
        * 1e6
        / (cost_per_role_usd_k * annuity_factor(discount_rate, horizon_years))
    )


# --- other employers ---------------------------------------------------------------------


def cuts_against_capex(
    rows: Iterable[tuple[str, float | None, float | None]], cost_per_role_usd_k: float
):
    """Job cuts of several employers set against their capital expenditure.

    Parameters
    ----------
    rows : iterable of (employer, roles_cut, capex_usd_bn)
        One employer a row; ``None`` (or NaN) where a figure was not found.
    cost_per_role_usd_k : float
        Fully loaded yearly cost per role applied to every employer [USD thousand].

    Returns
    -------
    pandas.DataFrame
        Indexed by employer: ``roles cut``, ``capex (USD bn)``, ``savings (USD bn per year)``
        (:func:`layoff_savings_usd_bn_per_year`) and ``savings / capex (%)``
        (:func:`savings_share_of_ai_capex_pct`, NaN where a figure is missing).
    """
    import pandas as pd

    out = []
    for employer, roles, capex in rows:
        roles_ok = roles is not None and not math.isnan(roles)
        capex_ok = capex is not None and not math.isnan(capex)
        savings = layoff_savings_usd_bn_per_year(roles, cost_per_role_usd_k) if roles_ok else np.nan
        share = savings_share_of_ai_capex_pct(savings, capex) if roles_ok and capex_ok else np.nan
        out.append(
            {
                "employer": employer,
                "roles cut": roles if roles_ok else np.nan,
                "capex (USD bn)": capex if capex_ok else np.nan,
                "savings (USD bn per year)": savings,
                "savings / capex (%)": share,
            }
        )
    return pd.DataFrame(out).set_index("employer")


# --- the cash view: rehiring, and a calendar year of savings -----------------------------


def year_fraction(date: dt.date) -> float:
    """A date as a decimal year: ``year + (day of the year − 1) / days in the year``.

    Used to place the announcement of a round of cuts on the calendar
    (2025-10-28 → 2025.82).
    """
    if not isinstance(date, dt.date):
        raise TypeError(f"date: expected a datetime.date, found {date!r}")
    start = dt.date(date.year, 1, 1)
    days = (dt.date(date.year + 1, 1, 1) - start).days
    return date.year + (date - start).days / days


def net_cash_savings_usd_bn_per_year(
    roles_cut: float, cash_cost_per_role_usd_k: float, rehire_share: float
) -> float:
    """A full year of the cash the cuts save, net of the roles whose cost comes back.

    Parameters
    ----------
    roles_cut : float
        Roles cut [count].
    cash_cost_per_role_usd_k : float
        Cash part of the yearly cost of a role (:func:`cash_cost_per_role_usd_k`: the fully
        loaded cost without stock compensation) [USD thousand].
    rehire_share : float
        Share of the cut roles whose cost comes back (internal moves, backfills) [0–1].

    Returns
    -------
    float
        ``roles_cut × (1 − rehire_share) × cash_cost_per_role / 1e6`` [USD bn per year].
    """
    _non_negative(roles_cut=roles_cut, cash_cost_per_role_usd_k=cash_cost_per_role_usd_k)
    _fraction("rehire_share", rehire_share)
    return roles_cut * (1.0 - rehire_share) * cash_cost_per_role_usd_k / 1e6


def cash_savings_in_year_usd_bn(
    waves: Iterable[tuple[float, float]],
    year: int,
    cash_cost_per_role_usd_k: float,
    notice_months: float,
    severance_pay_usd_k: float,
    severance_months: float,
    rehire_share: float,
) -> dict[str, float]:
    """Cash the cuts save in one calendar year, net of severance and of rehiring.

    Each round of cuts is announced at a date; its people are paid in full through the
    notice period, then leave with their severance (paid at the separation); from then on
    their cash cost is saved, less the share of roles whose cost comes back.

    Parameters
    ----------
    waves : iterable of (roles, announced)
        One round a row: roles cut [count] and the announcement as a decimal year
        (:func:`year_fraction`).
    year : int
        The calendar year counted.
    cash_cost_per_role_usd_k : float
        Cash yearly cost of a role (no stock compensation) [USD thousand].
    notice_months : float
        Months of full pay between the announcement and the separation [months].
    severance_pay_usd_k, severance_months : float
        Yearly pay severance is computed on [USD thousand], and the months of it paid
        [months]. Severance is counted on every role cut (people placed inside Amazon
        receive none, so this is a cautious count).
    rehire_share : float
        Share of the cut roles whose cost comes back [0–1].

    Returns
    -------
    dict
        ``gross_usd_bn``: Σ roles × (1 − rehire) × cash cost × (time of ``year`` after the
        separation, in years) / 1e6; ``severance_usd_bn``: Σ roles × pay × months / 12 / 1e6
        over the rounds whose separation falls in ``year``; ``net_usd_bn`` = gross −
        severance (negative when the severance paid exceeds the year's savings) [USD bn].
    """
    _non_negative(
        cash_cost_per_role_usd_k=cash_cost_per_role_usd_k,
        notice_months=notice_months,
        severance_pay_usd_k=severance_pay_usd_k,
        severance_months=severance_months,
    )
    _fraction("rehire_share", rehire_share)
    gross = severance = 0.0
    for roles, announced in waves:
        _non_negative(roles=roles)
        separation = announced + notice_months / 12.0
        saved_years = min(1.0, max(0.0, year + 1 - max(separation, year)))
        gross += roles * (1.0 - rehire_share) * cash_cost_per_role_usd_k * saved_years / 1e6
        if year <= separation < year + 1:
            severance += severance_cost_usd_bn(roles, severance_pay_usd_k, severance_months)
    return {"gross_usd_bn": gross, "severance_usd_bn": severance, "net_usd_bn": gross - severance}


def scaled_waves(
    waves: Iterable[tuple[float, float]], roles_cut: float
) -> list[tuple[float, float]]:
    """Rounds of cuts rescaled so that their roles add up to ``roles_cut``.

    A scenario that sets ``roles_cut`` away from the sum of the sourced rounds keeps their
    dates and their proportions.

    Returns
    -------
    list of (roles, announced)
        ``roles × roles_cut / Σ roles`` for each round; the dates unchanged.
    """
    waves = list(waves)
    _non_negative(roles_cut=roles_cut)
    total = float(sum(roles for roles, _ in waves))
    if total <= 0:
        raise ValueError(f"waves: expected rounds with a positive number of roles, found {waves}")
    return [(roles * roles_cut / total, announced) for roles, announced in waves]


#: Fact ids of the rounds of corporate cuts counted in ``roles_cut``, in date order.
CUT_ROUNDS: tuple[str, ...] = ("amazon_layoffs_2025_10_count", "amazon_layoffs_2026_01_count")


def waves_from_facts(facts: Mapping, ids: Iterable[str] = CUT_ROUNDS) -> list[tuple[float, float]]:
    """The rounds of cuts as (roles, announcement as a decimal year), from their facts.

    The roles are each fact's value, the date its ``as_of`` (a full ``YYYY-MM-DD`` date).
    """
    out = []
    for fid in ids:
        fact = facts[fid]
        try:
            date = dt.date.fromisoformat(str(fact.as_of))
        except ValueError:
            raise ValueError(
                f"{fid}: expected an as_of date YYYY-MM-DD for a round of cuts, "
                f"found {fact.as_of!r}"
            ) from None
        out.append((float(fact.number), year_fraction(date)))
    return out
