"""Labour yardsticks: the first edition's 2025 funding decomposition, break-even, other employers.

Pure functions; units as in :mod:`valse.model.labor`.

* **funding sources (2025)**: a year of AI spending set against operating cash flow (AWS and
  retail customers), payroll savings and external money (:func:`funding_decomposition_usd_bn`).
  Money is fungible: this is an order-of-magnitude comparison, not an allocation;
* **break-even**: the productivity gain per remaining employee, or the number of roles, whose
  value over a horizon equals an AI spending (:func:`break_even_productivity_gain_pct`,
  :func:`break_even_roles`);
* **other employers**: their cuts against their capex (:func:`cuts_against_capex`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Literal

import numpy as np

from valse.model.labor import (
    check_fraction,
    check_non_negative,
    layoff_savings_usd_bn_per_year,
    savings_share_of_ai_capex_pct,
)

FUNDING_PARTS: tuple[str, ...] = (
    "customers_aws_usd_bn",
    "customers_retail_usd_bn",
    "payroll_savings_usd_bn",
    "debt_usd_bn",
    "equity_usd_bn",
    "cash_reserves_usd_bn",
)


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
    check_non_negative(
        ai_spending_usd_bn=ai_spending_usd_bn,
        operating_cash_flow_usd_bn=operating_cash_flow_usd_bn,
        payroll_savings_usd_bn=payroll_savings_usd_bn,
        debt_raised_usd_bn=debt_raised_usd_bn,
        equity_raised_usd_bn=equity_raised_usd_bn,
    )
    check_fraction("aws_share_of_operating_cash_flow", aws_share_of_operating_cash_flow)
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
    check_fraction("discount_rate", discount_rate)
    check_non_negative(years=years)
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
    check_non_negative(ai_spending_usd_bn=ai_spending_usd_bn)
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
    check_non_negative(ai_spending_usd_bn=ai_spending_usd_bn)
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
